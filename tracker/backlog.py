"""The backlog listing: open items in triage order with their marks, blocked ones apart.

Pure over (items, settings, now); `caughtup backlog` and the Backlog screen both show it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker import rules
from tracker.models import Item
from tracker.settings import Settings


@dataclass
class Row:
    """One open item and what the guardrails say about it."""

    item: Item
    tier: int
    age_days: int
    due: datetime
    breach: bool
    """Still open past its due time."""
    late_entry: bool
    """Written now, it would need a late-entry notation."""
    payer_window_end: date | None
    past_payer_window: bool
    waiting_days: int | None = None
    """For a blocked item: days since it became blocked."""
    chase: bool = False

    @property
    def marks(self) -> list[str]:
        """The row's states in words (never colour alone)."""
        marks = []
        if self.chase:
            marks.append("chase it")
        if self.breach:
            marks.append("past due")
        if self.past_payer_window:
            marks.append("payer window closed")
        if self.late_entry:
            marks.append("late entry")
        if self.item.blocked_on is not None and self.waiting_days is None:
            marks.append(self.item.blocked_on.replace("_", " "))  # the user's own: a coding query
        return marks

    def to_json(self) -> dict[str, Any]:
        """The fields DESIGN.md lists for `backlog --json`."""
        return {
            "id": self.item.id,
            "tier": self.tier,
            "note_type": self.item.note_type,
            "session_date": self.item.session_date.isoformat(),
            "age_days": self.age_days,
            "due": self.due.isoformat(timespec="minutes"),
            "breach": self.breach,
            "blocked_on": self.item.blocked_on,
            "past_payer_window": self.past_payer_window,
            "client_ref": self.item.client_ref,
        }


@dataclass
class Backlog:
    rows: list[Row]
    """Outstanding items (open, not waiting on others) in triage order, or grouped by type."""
    blocked: list[Row]
    """Open items waiting on someone else, in triage order."""
    tier_counts: dict[int, int] = field(default_factory=dict)
    """Outstanding items per triage tier 1-5, before any filter."""
    blocked_count: int = 0
    """Blocked items before any filter."""
    oldest_age_days: int | None = None
    """Age of the oldest outstanding item, before any filter (it sets the backlog tier)."""

    @property
    def outstanding(self) -> int:
        return sum(self.tier_counts.values())

    def to_json(self) -> dict[str, Any]:
        """`{"items": [...]}`: outstanding items first, then blocked ones (their `blocked_on` set)."""
        return {"items": [row.to_json() for row in self.rows + self.blocked]}


def row(item: Item, settings: Settings, now: datetime) -> Row:
    tz, r, today = now.tzinfo or UTC, settings.rules, now.date()
    waiting = chase = None
    if rules.waits_on_others(item):
        since = rules.blocked_since(item, tz).astimezone(tz).date()
        waiting, chase = (today - since).days, rules.chase(item, r, now)
    due = rules.due(item, r, tz)
    return Row(
        item=item,
        tier=rules.triage_tier(item),
        age_days=rules.age_days(item, today),
        due=due,
        breach=rules.breached(item, r, tz, now, due),
        late_entry=rules.is_late_entry(item, now, r, tz),
        payer_window_end=rules.payer_window_end(item, r),
        past_payer_window=rules.past_payer_window(item, r, today),
        waiting_days=waiting,
        chase=bool(chase),
    )


def group_by_type(rows: list[Row]) -> list[Row]:
    """Rows grouped by note type, groups in the order their first item appears (stable)."""
    first: dict[str, int] = {}
    for n, r in enumerate(rows):
        first.setdefault(r.item.note_type, n)
    return sorted(rows, key=lambda r: first[r.item.note_type])


def build(
    items: Iterable[Item],
    settings: Settings,
    now: datetime,
    *,
    tiers: Collection[int] = (),
    note_type: str | None = None,
    by_type: bool = False,
    client: str | None = None,
    owner: str | None = None,
) -> Backlog:
    """The backlog from `items` (written ones are ignored), filtered to `tiers`, `note_type`,
    `client` (see `client_filter`) and who acts next: `owner` "me" (outstanding) or "others"
    (waiting on someone else)."""
    open_items = [i for i in items if i.written_at is None]
    ordered = rules.triage_order(open_items, settings.rules, now.date())
    all_rows = [row(i, settings, now) for i in ordered]
    counts = dict.fromkeys(range(1, 6), 0)
    for r in all_rows:
        if not rules.waits_on_others(r.item):
            counts[r.tier] += 1

    refs = client_filter(client, (i.client_ref for i in open_items))

    def keep(r: Row) -> bool:
        return (
            (not tiers or r.tier in tiers)
            and (note_type is None or r.item.note_type == note_type)
            and (refs is None or (r.item.client_ref or "").casefold() in refs)
        )

    rows = [r for r in all_rows if not rules.waits_on_others(r.item) and keep(r)]
    blocked = [r for r in all_rows if rules.waits_on_others(r.item) and keep(r)]
    if owner is not None:
        rows, blocked = (rows, []) if owner == "me" else ([], blocked)
    return Backlog(
        rows=group_by_type(rows) if by_type else rows,
        blocked=blocked,
        tier_counts=counts,
        blocked_count=len(all_rows) - sum(counts.values()),
        oldest_age_days=max(
            (r.age_days for r in all_rows if not rules.waits_on_others(r.item)), default=None
        ),
    )


def client_filter(wanted: str | None, refs: Iterable[str | None]) -> set[str] | None:
    """The references (casefolded) a client filter keeps; None keeps every item.

    Case is ignored. A reference equal to `wanted` keeps only itself (C7 is not C71); when none
    is, every reference starting with it is kept (JD finds JD2 and JDX)."""
    if wanted is None:
        return None
    want = wanted.strip().casefold()
    known = {r.casefold() for r in refs if r}
    return {want} if want in known else {r for r in known if r.startswith(want)}


def due_text(due: datetime) -> str:
    """A due time as people say it: a midnight deadline is 24:00 of the day before."""
    if due.hour == 0 and due.minute == 0:
        return f"{due - timedelta(days=1):%a %d %b} 24:00"
    return f"{due:%a %d %b %H:%M}"


def session_text(item: Item) -> str:
    text = f"{item.session_date:%a %d %b}"
    return f"{text} {item.session_time:%H:%M}" if item.session_time else text
