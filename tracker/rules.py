"""The guardrails as pure functions of (items, settings, now): due times, the 24-hour rule,
the five-note threshold, backlog age tiers, triage tiers, late entries and payer windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from tracker.clock import local_moment
from tracker.models import Item
from tracker.settings import Rules, Settings

TIERS = ("under_1_week", "1_to_3_weeks", "over_3_weeks")
TIER_LABELS = {
    "under_1_week": "under 1 week",
    "1_to_3_weeks": "1 to 3 weeks",
    "over_3_weeks": "over 3 weeks",
}
TIER_GOALS = {
    "under_1_week": "adjust the workflow now: write each note the same day",
    "1_to_3_weeks": "one catch-up sprint, then a new daily routine",
    "over_3_weeks": "good-enough notes first, then look at caseload and systems",
}
TRIAGE_LABELS = {
    1: "P1 court/legal",
    2: "P2 billed",
    3: "P3 high-risk",
    4: "P4 routine",
    5: "P5 admin",
}


def session_moment(item: Item, tz: tzinfo) -> datetime:
    """The session's start, or the end of its day when only the date is known."""
    return local_moment(item.session_date, item.session_time, tz)


def _plus_hours(moment: datetime, hours: int, tz: tzinfo) -> datetime:
    # Wall-clock hours, as a clinician reads "due tomorrow 14:00": DESIGN.md's "a date-only
    # session is due by the end of the next calendar day" only holds across a DST change this
    # way (elapsed hours would make it 23:00 or 01:00). The UTC round trip moves a wall time
    # that a spring-forward gap skips to the real moment just after the gap.
    local = moment.astimezone(tz).replace(tzinfo=None) + timedelta(hours=hours)
    return local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def due(item: Item, rules: Rules, tz: tzinfo) -> datetime:
    """When the note is due under the 24-hour rule (its hours a setting, on the wall clock)."""
    return _plus_hours(session_moment(item, tz), rules.rule_hours, tz)


def _after(a: datetime, b: datetime) -> bool:
    # Aware datetimes sharing a tzinfo compare by wall time, which is wrong inside the repeated
    # hour of a DST fall-back; comparing in UTC is always right.
    return a.astimezone(UTC) > b.astimezone(UTC)


def breached(item: Item, rules: Rules, tz: tzinfo, now: datetime) -> bool:
    """Still open after its due time, or written after it (written exactly at it is in time)."""
    return _after(item.written_at or now, due(item, rules, tz))


def is_outstanding(item: Item) -> bool:
    """Open and not waiting on someone else."""
    return item.written_at is None and item.blocked_on is None


def age_days(item: Item, today: date) -> int:
    """Whole days since the session (0 on the day itself)."""
    return (today - item.session_date).days


def threshold_state(outstanding: int, threshold: int) -> str:
    """'reached' at the threshold, 'watch' from threshold - 2 (never at 0), else 'ok'."""
    if outstanding >= threshold:
        return "reached"
    if outstanding >= max(1, threshold - 2):
        return "watch"
    return "ok"


def backlog_tier(oldest_age_days: int | None) -> str | None:
    """Age tier of a backlog from its oldest outstanding note: <7, 7-21, >21 days."""
    if oldest_age_days is None:
        return None
    if oldest_age_days < 7:
        return "under_1_week"
    if oldest_age_days <= 21:
        return "1_to_3_weeks"
    return "over_3_weeks"


def triage_tier(item: Item) -> int:
    """P1 court/legal, P2 billed (claim out, note missing), P3 high-risk, P4 routine, P5 admin."""
    if item.court:
        return 1
    if item.billed:
        return 2
    if item.high_risk:
        return 3
    if item.admin or item.note_type == "admin":
        return 5
    return 4


def payer_window_end(item: Item, rules: Rules) -> date | None:
    """Last day a payer accepts the note for a billed session, if a window is set."""
    if not item.billed:
        return None
    days = rules.payer_window_by_type.get(item.note_type, rules.payer_window_days)
    return item.session_date + timedelta(days=days) if days else None


def past_payer_window(item: Item, rules: Rules, today: date) -> bool:
    """Billed, with a payer window set, and today is after its last day."""
    end = payer_window_end(item, rules)
    return end is not None and today > end


def _session_key(item: Item) -> tuple[int, int, int]:
    """Sorts sessions oldest first: date, time (date-only sessions last in their day), id."""
    t = item.session_time
    minutes = t.hour * 60 + t.minute if t is not None else 24 * 60
    return (item.session_date.toordinal(), minutes, item.id or 0)


def triage_order(items: Iterable[Item], rules: Rules, today: date) -> list[Item]:
    """Items by triage tier; inside a tier as `rules.within_tier` says.

    "payer_window" (the default) puts notes whose payer window is still open first, the
    nearest to closing first, then the rest most recent first: once a window has closed,
    writing that note sooner no longer saves the claim, so it goes back to recency.
    """

    def key(item: Item) -> tuple[Any, ...]:
        tier = triage_tier(item)
        session = _session_key(item)
        recent = tuple(-part for part in session)
        if rules.within_tier == "oldest":
            return (tier, *session)
        if rules.within_tier == "recent":
            return (tier, *recent)
        end = payer_window_end(item, rules)
        if end is not None and end >= today:
            return (tier, 0, end.toordinal(), *recent)
        return (tier, 1, 0, *recent)

    return sorted(items, key=key)


def is_late_entry(item: Item, written_at: datetime, rules: Rules, tz: tzinfo) -> bool:
    """Written more than `late_entry_hours` after the session (date-only: after its day)."""
    return _after(written_at, _plus_hours(session_moment(item, tz), rules.late_entry_hours, tz))


def late_entry_notation(
    item: Item,
    written_at: datetime,
    rules: Rules,
    reason: str | None = None,
    from_memory: bool = False,
) -> str:
    """The text to paste into the record: labelled late, dated when written, naming the session
    date, with a reason (the setting's unless given; "" for none) and, for a high-risk session,
    whether it was reconstructed from memory."""
    text = rules.late_entry_text.format(
        written=written_at.strftime("%Y-%m-%d %H:%M"),
        session=item.session_date.isoformat(),
        session_time=item.session_time.strftime("%H:%M") if item.session_time else "",
    )
    why = (rules.late_entry_reason if reason is None else reason).strip().rstrip(".")
    if why:
        text += f" Reason: {why}."
    if from_memory and item.high_risk:
        text += f" {RECONSTRUCTED}"
    return text


RECONSTRUCTED = "Reconstructed from memory of the session."
MAX_NOTATION = 1000
"""Longer than any notation the settings' limits allow (an imported one is checked by it)."""


def late_notations(
    items: Iterable[Item],
    written_at: datetime,
    rules: Rules,
    tz: tzinfo,
    reason: str | None = None,
    from_memory: bool = False,
) -> dict[int, str]:
    """The notation of each note that `written_at` makes a late entry, by id."""
    return {
        item.id or 0: late_entry_notation(item, written_at, rules, reason, from_memory)
        for item in items
        if is_late_entry(item, written_at, rules, tz)
    }


def blocked_since(item: Item, tz: tzinfo) -> datetime:
    """When the item started waiting: recorded, else (older data) the start of its session day."""
    return item.blocked_since or datetime.combine(item.session_date, datetime.min.time(), tz)


def chase(item: Item, rules: Rules, now: datetime) -> bool:
    """A blocked item waiting longer than the escalation age."""
    if item.blocked_on is None or item.written_at is not None:
        return False
    waited = now.astimezone(UTC) - blocked_since(item, now.tzinfo or UTC).astimezone(UTC)
    return waited > timedelta(days=rules.escalation_days)


class Blocked(NamedTuple):
    """An open item waiting on someone else, as listed apart from the backlog."""

    id: int | None
    note_type: str
    blocked_on: str
    age_days: int
    """Days since the session."""
    waiting_days: int
    """Days since it became blocked."""
    chase: bool


def blocked_items(items: Iterable[Item], rules: Rules, now: datetime) -> list[Blocked]:
    """Open blocked items, the longest waiting first."""
    tz, today = now.tzinfo or UTC, now.date()
    rows = [
        Blocked(
            id=i.id,
            note_type=i.note_type,
            blocked_on=i.blocked_on,
            age_days=age_days(i, today),
            waiting_days=(today - blocked_since(i, tz).astimezone(tz).date()).days,
            chase=chase(i, rules, now),
        )
        for i in items
        if i.written_at is None and i.blocked_on is not None
    ]
    return sorted(rows, key=lambda b: (-b.waiting_days, -b.age_days, b.id or 0))


class Status(NamedTuple):
    """The at-a-glance summary (`caughtup status`, the Today screen)."""

    outstanding: int
    blocked: int
    threshold: int
    threshold_state: str
    breaches: int
    oldest_age_days: int | None
    tier: str | None
    tier_goal: str | None
    chase: int
    yesterday: str
    """'met', 'missed', 'pending' (notes still open but not yet due) or 'no_sessions'."""
    blocked_items: list[Blocked]
    """The blocked items themselves, the longest waiting first."""

    def to_json(self) -> dict[str, Any]:
        return {**self._asdict(), "blocked_items": [b._asdict() for b in self.blocked_items]}


def yesterday_rule(items: Iterable[Item], settings: Settings, now: datetime) -> str:
    """Whether yesterday's sessions met the 24-hour rule."""
    tz, rules = now.tzinfo or UTC, settings.rules
    yesterday = now.date() - timedelta(days=1)
    mine = [i for i in items if i.session_date == yesterday]
    if not mine:
        return "no_sessions"
    if any(breached(i, rules, tz, now) for i in mine):
        return "missed"
    if any(i.written_at is None for i in mine):
        return "pending"
    return "met"


def status(items: Iterable[Item], settings: Settings, now: datetime) -> Status:
    """Summary from open items (plus yesterday's, for the 24-hour line)."""
    items = list(items)
    tz, rules, today = now.tzinfo or UTC, settings.rules, now.date()
    outstanding = [i for i in items if is_outstanding(i)]
    blocked = blocked_items(items, rules, now)
    oldest = max((age_days(i, today) for i in outstanding), default=None)
    tier = backlog_tier(oldest)
    return Status(
        outstanding=len(outstanding),
        blocked=len(blocked),
        threshold=rules.threshold,
        threshold_state=threshold_state(len(outstanding), rules.threshold),
        breaches=sum(1 for i in outstanding if breached(i, rules, tz, now)),
        oldest_age_days=oldest,
        tier=tier,
        tier_goal=TIER_GOALS[tier] if tier else None,
        chase=sum(1 for b in blocked if b.chase),
        yesterday=yesterday_rule(items, settings, now),
        blocked_items=blocked,
    )
