"""Import and sync: a calendar source read, planned against the items it gave before, and
applied in one write transaction (the CLI, the app and `remind` all come here).

The file or feed is fetched and read before the transaction opens: a bad file or a feed that
does not answer raises InputError with nothing changed, and the write lock is never held across
the network. What is printed or returned carries counts, dates and times only: never a title,
and never a client reference.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tracker.calendar import feed
from tracker.calendar.sessions import CalendarRules, Reading
from tracker.errors import InputError
from tracker.words import join, plural

if TYPE_CHECKING:
    from tracker.calendar.sync import SyncPlan
    from tracker.settings import Calendar
    from tracker.store import Store

SYNCED_STATE = "calendar.synced"
"""Small state: when the last sync ran and whether it worked (no address, no title)."""
SKIPPED_WORDS = {
    "no_start": "without a start",
    "unknown_zone": "in an unknown time zone",
    "end_before_start": "ending before they start",
    "unreadable": "unreadable",
    "all_day": "all-day",
    "free": "marked free",
    "cancelled": "cancelled",
    "declined": "declined",
    "too_short": "too short",
    "too_long": "too long",
    "not_matching": "not matching calendar.match",
    "gone": "deleted from the calendar",
}
"""Each skip or removal reason (`sessions.REASONS`) after a count: "2 cancelled"."""


def rules_of(cal: Calendar) -> CalendarRules:
    """The reading rules the `calendar.*` settings give."""
    if cal.min_minutes > cal.max_minutes:
        raise InputError(
            f"calendar.min_minutes ({cal.min_minutes}) must be at most calendar.max_minutes "
            f"({cal.max_minutes}); change one of them"
        )
    return CalendarRules(
        min_minutes=cal.min_minutes,
        max_minutes=cal.max_minutes,
        match=cal.match,
        types=dict(cal.types),
        client_ref=cal.client_ref,
        me=tuple(cal.me),
    )


@dataclass(frozen=True)
class Outcome:
    """What one import or sync read and did (or, for a preview, would do)."""

    source: str
    """The source as messages name it (a feed by its host only)."""
    reading: Reading
    plan: SyncPlan
    preview: bool

    def to_json(self) -> dict[str, Any]:
        plan, got = self.plan, self.reading
        kept = Counter(k.reason for k in plan.kept)
        doc: dict[str, Any] = {
            "source": self.source,
            "preview": self.preview,
            "since": got.since.isoformat(timespec="minutes"),
            "until": got.now.isoformat(timespec="minutes"),
            "taken": len(got.sessions),
            "skipped_by_reason": got.counts,
            "added": len(plan.adds),
            "moved": len(plan.moves),
            "removed": len(plan.removals),
            "removed_by_reason": dict(Counter(r.reason for r in plan.removals)),
            "kept": {reason: kept[reason] for reason in ("outside_feed", "written", "edited")},
            "unchanged": kept["unchanged"],
        }
        if self.preview:  # what would be taken, without the references a pattern extracts
            doc["sessions"] = [
                {
                    "date": s.date.isoformat(),
                    "time": f"{s.start:%H:%M}",
                    "minutes": s.minutes,
                    "note_type": s.note_type,
                    "cpt": s.cpt,
                    "has_client_ref": s.client_ref is not None,
                }
                for s in got.sessions
            ]
            doc["skipped"] = got.preview()["skipped"]
        return doc

    def lines(self) -> list[str]:
        """The outcome in words: counts and reasons only."""
        plan, got = self.plan, self.reading
        head = (
            f"{self.source}: {plural(len(got.sessions), 'session')} from "
            f"{got.since:%d %b %Y} to {got.now:%d %b %Y %H:%M}"
        )
        skipped = [f"{n} {SKIPPED_WORDS[reason]}" for reason, n in got.counts.items()]
        out = [head + (f"; skipped {len(got.skipped)}: {join(skipped)}." if skipped else ".")]
        add, move, remove = (
            ("would add", "would move", "would remove")
            if self.preview
            else (
                "added",
                "moved",
                "removed",
            )
        )
        changes = []
        if plan.adds:
            changes.append(f"{add} {plural(len(plan.adds), 'note')}")
        if plan.moves:
            changes.append(f"{move} {plural(len(plan.moves), 'open note')} to the new time")
        if plan.removals:
            why = Counter(r.reason for r in plan.removals)
            changes.append(
                f"{remove} {plural(len(plan.removals), 'open note')} whose session is gone ("
                + join([f"{n} {SKIPPED_WORDS[reason]}" for reason, n in why.items()])
                + ")"
            )
        text = join(changes) + "." if changes else "nothing to change."
        out.append(text[0].upper() + text[1:])
        kept = Counter(k.reason for k in plan.kept if k.reason != "unchanged")
        if kept["outside_feed"]:
            out.append(
                f"Kept {plural(kept['outside_feed'], 'note')} whose session is outside what the "
                "calendar lists now (feeds drop past weeks)."
            )
        mine = kept["written"] + kept["edited"]
        if mine:
            out.append(
                f"Left {plural(mine, 'note')} the calendar changed as they are: written or "
                "edited by you."
            )
        return out


def run(
    store: Store,
    cal: Calendar,
    source: str,
    now: datetime,
    tz: tzinfo,
    *,
    preview: bool = False,
) -> Outcome:
    """Read `source` and bring the calendar's items in line with it (or only say how, when
    `preview`); InputError before anything changes when the source cannot be read."""
    from tracker.calendar import reading, sync

    rules = rules_of(cal)
    name = feed.describe(source)
    data = feed.fetch(source)
    got = reading.read_sessions(data, rules, now - timedelta(days=cal.since), now, tz, name)
    if preview:
        with store.reading():
            existing = store.calendar_items()
        plan = sync.plan_sync(got.sessions, got.covers, existing, tz, got.skipped)
        return Outcome(name, got, plan, preview=True)
    with store.transaction():
        plan = sync.plan_sync(got.sessions, got.covers, store.calendar_items(), tz, got.skipped)
        if plan.changes:
            store.apply_sync(plan, now)
        store.set_state(SYNCED_STATE, json.dumps({"at": now.isoformat(), "ok": True}))
    return Outcome(name, got, plan, preview=False)


def record_failure(store: Store, now: datetime, problem: str) -> bool:
    """Keep that a sync failed; True when this problem is new (so it is reported once)."""
    before = last_sync(store)
    store.set_state(
        SYNCED_STATE,
        json.dumps({"at": (before or {}).get("at"), "ok": False, "problem": problem}),
    )
    return before is None or before.get("problem") != problem


def last_sync(store: Store) -> dict[str, Any] | None:
    """When the last sync worked, and the problem of the last one if it failed."""
    raw = store.get_state(SYNCED_STATE)
    if raw is None:
        return None
    found: dict[str, Any] = json.loads(raw)
    return found


def sync_quietly(store: Store, cal: Calendar, now: datetime, tz: tzinfo) -> dict[str, Any] | None:
    """Sync from `calendar.source` if one is set, for `remind` and the app: a failure is
    returned, not raised, with `reported` true only the first time that problem is seen."""
    if not cal.source:
        return None
    try:
        outcome = run(store, cal, cal.source, now, tz)
    except InputError as exc:
        problem = str(exc)
        return {"ok": False, "problem": problem, "reported": record_failure(store, now, problem)}
    doc = outcome.to_json()
    return {"ok": True, **{k: doc[k] for k in ("added", "moved", "removed")}}


def quiet_lines(result: dict[str, Any] | None) -> list[str]:
    """What `sync_quietly` did, in words: changes, or a failure the first time it is seen."""
    if result is None:
        return []
    if not result["ok"]:
        return [f"Calendar not synced: {result['problem']}."] if result["reported"] else []
    changes = [
        f"{verb} {plural(result[key], 'note')}"
        for key, verb in (("added", "added"), ("moved", "moved"), ("removed", "removed"))
        if result[key]
    ]
    return [f"Calendar synced: {join(changes)}."] if changes else []
