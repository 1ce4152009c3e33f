"""The guardrails as pure functions of (items, settings, now): due times, the rule's hours (24 by
default), the note threshold, backlog age tiers, triage tiers, late entries and payer windows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from tracker.clock import local_moment, to_utc_text
from tracker.models import Item
from tracker.settings import OWN_BLOCKERS, Rules, Settings

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


class DueTexts:
    """Due times as the store's UTC text, for sessions from `first` to `last`, and a fast
    `moment <= due` on that text: trends, the habit and the workload ask it of thousands of notes.

    Session dates are ISO text, session times "HH:MM" or None, moments UTC text (`to_utc_text`).
    """

    def __init__(self, rules: Rules, tz: tzinfo, first: date, last: date) -> None:
        self.rules, self.tz = rules, tz
        self._due: dict[tuple[str, str | None], str] = {}
        self._bands: dict[str, tuple[str, str]] = {}
        self._walls: dict[date, tuple[datetime, datetime]] = {}
        # A due time is the session's wall time + rule hours, moved to UTC by the zone's offset
        # then. With every offset the zone uses in the span (sampled weekly), a moment outside
        # [wall - largest offset, wall - smallest offset] (and a margin for DST gaps) needs no
        # exact due time, which is most of them: `due` costs about 9 us, `band` about 1 us, and
        # ten years hold some 13,000 notes.
        weeks = (last - first).days // 7 + 1
        days = [first + timedelta(weeks=k) for k in range(weeks)] + [last]
        samples = [datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC) for d in days]
        samples.append(samples[-1] + timedelta(hours=rules.rule_hours + 48))
        offsets = [m.astimezone(tz).utcoffset() or timedelta(0) for m in samples]
        margin = timedelta(hours=3)
        self._early = timedelta(hours=rules.rule_hours) - max(offsets) - margin
        self._late = timedelta(hours=rules.rule_hours) - min(offsets) + margin
        # The same band on the zone's wall clock, widened by the spread of its offsets.
        spread = max(offsets) - min(offsets)
        self._wall_early = timedelta(hours=rules.rule_hours) - spread - margin
        self._wall_late = timedelta(days=1, hours=rules.rule_hours) + spread + margin
        # A day's band, from its first session (00:00) to its last (a date-only one, 24:00), as
        # whole days and a clock time: date arithmetic and text, no datetime per day.
        day_late = self._late + timedelta(days=1)
        self._early_shift, self._early_clock = timedelta(self._early.days), _clock(self._early)
        self._late_shift, self._late_clock = timedelta(day_late.days), _clock(day_late)

    def band(self, day: date) -> tuple[str, str]:
        """(early, late): every session that day is due after `early` and by `late`."""
        return (
            (day + self._early_shift).isoformat() + self._early_clock,
            (day + self._late_shift).isoformat() + self._late_clock,
        )

    def due(self, session_date: str, session_time: str | None) -> str:
        """`due` of a session, as UTC text (cached)."""
        key = (session_date, session_time)
        deadline = self._due.get(key)
        if deadline is None:
            item = Item(
                id=None,
                session_date=date.fromisoformat(session_date),
                session_time=time.fromisoformat(session_time) if session_time else None,
            )
            deadline = self._due[key] = to_utc_text(due(item, self.rules, self.tz))
        return deadline

    def within(self, session_date: str, session_time: str | None, moment: str) -> bool:
        """`moment` is at or before the session's due time."""
        limits = self._bands.get(session_date)
        if limits is None:
            limits = self._bands[session_date] = self.band(date.fromisoformat(session_date))
        early, late = limits
        if moment < early:
            return True
        if moment > late:
            return False
        return self.close_call(session_date, session_time, moment)

    def close_call(self, session_date: str, session_time: str | None, moment: str) -> bool:
        """`within` for a moment inside the day's band: the session's own band, then `due`."""
        start = datetime.fromisoformat(
            f"{session_date}T{session_time}" if session_time else session_date
        ) + (timedelta(0) if session_time else timedelta(days=1))
        if moment < (start + self._early).isoformat() + "+00:00":
            return True
        if moment > (start + self._late).isoformat() + "+00:00":
            return False
        return moment <= self.due(session_date, session_time)

    def within_item(self, item: Item, moment: datetime) -> bool:
        """`within` for an Item and an aware moment."""
        if moment.tzinfo is not self.tz:
            moment = moment.astimezone(self.tz)
        walls = self._walls.get(item.session_date)
        if walls is None:
            start = datetime.combine(item.session_date, time(0), tzinfo=self.tz)
            walls = self._walls[item.session_date] = (
                start + self._wall_early,
                start + self._wall_late,
            )
        # Sharing a tzinfo, these compare by wall time with no offset lookup (1.4 us each, five
        # times the rest); the band's margin covers the hour a wall time is off in a DST change.
        if moment < walls[0]:
            return True
        if moment > walls[1]:
            return False
        at = item.session_time.isoformat("minutes") if item.session_time else None
        return self.close_call(item.session_date.isoformat(), at, to_utc_text(moment))


def _clock(delta: timedelta) -> str:
    """The time-of-day part of `delta` as the tail of the store's UTC text."""
    minutes, seconds = divmod(delta.seconds, 60)
    return f"T{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}+00:00"


def _after(a: datetime, b: datetime) -> bool:
    # Aware datetimes sharing a tzinfo compare by wall time, which is wrong inside the repeated
    # hour of a DST fall-back; comparing in UTC is always right.
    return a.astimezone(UTC) > b.astimezone(UTC)


def breached(
    item: Item, rules: Rules, tz: tzinfo, now: datetime, due_at: datetime | None = None
) -> bool:
    """Still open after its due time, or written after it (written exactly at it is in time);
    `due_at`: its `due`, when the caller has it already (a third of a backlog row's work)."""
    return _after(item.written_at or now, due_at or due(item, rules, tz))


def waits_on_others(item: Item) -> bool:
    """Blocked on someone else: a result, a referral, a documentation gap. A coding query is the
    clinician's own to answer, so a note blocked on one does not wait on others."""
    return item.blocked_on is not None and item.blocked_on not in OWN_BLOCKERS


def is_outstanding(item: Item) -> bool:
    """Open and not waiting on someone else (a coding query is the clinician's own)."""
    return item.written_at is None and not waits_on_others(item)


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
    """An item waiting on someone else for longer than the escalation age."""
    if not waits_on_others(item) or item.written_at is not None:
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
    """Open items waiting on someone else, the longest waiting first."""
    tz, today = now.tzinfo or UTC, now.date()
    rows = [
        Blocked(
            id=i.id,
            note_type=i.note_type,
            blocked_on=i.blocked_on or "",
            age_days=age_days(i, today),
            waiting_days=(today - blocked_since(i, tz).astimezone(tz).date()).days,
            chase=chase(i, rules, now),
        )
        for i in items
        if i.written_at is None and waits_on_others(i)
    ]
    return sorted(rows, key=lambda b: (-b.waiting_days, -b.age_days, b.id or 0))


class FirstNote(NamedTuple):
    """The note to write first: the top of the triage order (never its client reference)."""

    id: int | None
    tier: int
    note_type: str
    age_days: int


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
    first_to_write: FirstNote | None = None
    """The highest-risk outstanding note (triage order), not merely the oldest."""

    def to_json(self) -> dict[str, Any]:
        first = self.first_to_write
        return {
            **self._asdict(),
            "blocked_items": [b._asdict() for b in self.blocked_items],
            "first_to_write": first._asdict() if first is not None else None,
        }


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
    top = triage_order(outstanding, rules, today)[:1]
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
        first_to_write=(
            FirstNote(top[0].id, triage_tier(top[0]), top[0].note_type, age_days(top[0], today))
            if top
            else None
        ),
    )
