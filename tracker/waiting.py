"""What the open list waits on: the clinician's own work (unwritten notes, coding queries to
answer) against others' (results, referrals/authorizations, documentation gaps), now and at each
week's end. Pure functions of (items, rules, now); ages and counts only, never a client reference.

`waiting(items, rules, now)` gives a `Waiting` (its `to_json()` is the summary's `waiting`);
`by_week(items, starts, now)` gives (own, others, per reason) at each week's end, so a trend shows
whether routing improves. `REASON_WORDS` names the reasons for print.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from tracker import rules as r
from tracker.clock import in_zone
from tracker.models import Item
from tracker.settings import BLOCKERS, Rules
from tracker.stats import median

OWN_REASONS = ("coding_query",)
"""Blocked reasons that are the clinician's own to answer (issue 16: a coding query counts as
outstanding), whether or not `rules.is_outstanding` counts them yet."""
REASON_WORDS = {
    "result": "results",
    "referral": "referrals/authorizations",
    "coding_query": "coding queries",
    "doc_gap": "documentation gaps",
    "other": "other hand-offs",
}


def is_own(item: Item) -> bool:
    """Open and the clinician's to do: unwritten, or a coding query to answer."""
    return item.written_at is None and (r.is_outstanding(item) or item.blocked_on in OWN_REASONS)


class Reason(NamedTuple):
    """Open items blocked for one reason."""

    total: int
    median_age_days: float | None
    """Days since the session."""
    median_waiting_days: float | None
    """Days since it started waiting."""
    past_chase: int
    """Waiting longer than the chase age (`rules.escalation_days`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.total,
            "median_age_days": self.median_age_days,
            "median_waiting_days": self.median_waiting_days,
            "past_chase": self.past_chase,
        }


class Waiting(NamedTuple):
    """What the open list waits on now."""

    own: int
    others: int
    unwritten: int
    """Own notes not blocked at all."""
    by_reason: dict[str, Reason]
    """Every known blocked reason (zero counts too), then any other found."""

    @property
    def own_share(self) -> float | None:
        total = self.own + self.others
        return round(self.own / total, 3) if total else None

    def to_json(self) -> dict[str, Any]:
        return {
            "own": self.own,
            "others": self.others,
            "own_share": self.own_share,
            "unwritten": self.unwritten,
            "by_reason": {k: v.to_json() for k, v in self.by_reason.items()},
        }


def waiting(items: Iterable[Item], rules: Rules, now: datetime) -> Waiting:
    """Open items whose session has been (a planned one cannot be written yet), by who acts next."""
    tz, today = now.tzinfo or UTC, now.date()
    open_ = [i for i in items if i.written_at is None and i.session_date <= today]
    ages: dict[str, list[int]] = {reason: [] for reason in BLOCKERS}
    waits: dict[str, list[int]] = {reason: [] for reason in BLOCKERS}
    chase: Counter[str] = Counter()
    for item in open_:
        if item.blocked_on is not None:
            ages.setdefault(item.blocked_on, []).append(r.age_days(item, today))
            since = r.blocked_since(item, tz).astimezone(tz).date()
            waits.setdefault(item.blocked_on, []).append((today - since).days)
            chase[item.blocked_on] += r.chase(item, rules, now)
    own = sum(1 for i in open_ if is_own(i))
    return Waiting(
        own=own,
        others=len(open_) - own,
        unwritten=sum(1 for i in open_ if i.blocked_on is None),
        by_reason={
            k: Reason(len(ages[k]), median(ages[k]), median(waits[k]), chase[k]) for k in ages
        },
    )


WeekEnd = tuple[int, int, dict[str, int]]
"""(own, others, open items per blocked reason) at a week's end."""


def by_week(
    items: Iterable[Item],
    starts: Sequence[date],
    now: datetime,
    runs: Iterable[tuple[int, int, int]] = (),
) -> list[WeekEnd]:
    """The open list at the end of each week of `starts` (oldest first; the week under way: now).

    An item is open at a week's end when its session came before it and it was not written by
    then; from the moment it was blocked it waits on its reason, before that it is own work.
    `runs` are notes counted apart, as own work: (first week, week after the last, notes).
    """
    tz, today, n = now.tzinfo or UTC, now.date(), len(starts)
    # Local midnights (and now): sharing a tzinfo with the items' moments, these compare on the
    # wall clock with no offset lookup, the week's own reading of "by its end".
    ends = [
        datetime.combine(d, time(0), tzinfo=tz)
        for d in [*starts[1:], starts[-1] + timedelta(weeks=1)]
    ]
    checkpoints = [e if e.date() <= today else now for e in ends]
    own, others = [0] * (n + 1), [0] * (n + 1)
    reasons: dict[str, list[int]] = {reason: [0] * (n + 1) for reason in BLOCKERS}
    for lo, hi, count in runs:
        own[lo] += count
        own[hi] -= count
    first = checkpoints[0]
    for item in items:
        if item.session_date > today:
            continue
        # Runs of checkpoints, as differences: +1 where a run starts, -1 where it ends. The run
        # starts with the first week ending after the session (its end is the next week's start).
        hi = n
        done = item.written_at
        if done is not None:
            if done.tzinfo is not tz:
                done = done.astimezone(tz)
            if done <= first:
                continue  # written by the first week's end: never open at a checkpoint
            hi = bisect_left(checkpoints, done)
        lo = bisect_right(starts, item.session_date) - 1
        lo = lo if lo > 0 else 0
        if item.blocked_on is None:
            _run(own, lo, hi)
            continue
        blocked = bisect_left(checkpoints, in_zone(r.blocked_since(item, tz), tz))
        _run(own, lo, blocked if blocked < hi else hi)
        lo = lo if lo > blocked else blocked
        _run(own if item.blocked_on in OWN_REASONS else others, lo, hi)
        _run(reasons.setdefault(item.blocked_on, [0] * (n + 1)), lo, hi)
    out, open_own, open_others = [], 0, 0
    counts = dict.fromkeys(reasons, 0)
    for k in range(n):
        open_own += own[k]
        open_others += others[k]
        for reason, diff in reasons.items():
            counts[reason] += diff[k]
        out.append((open_own, open_others, dict(counts)))
    return out


def _run(diff: list[int], lo: int, hi: int) -> None:
    if lo < hi:
        diff[lo] += 1
        diff[hi] -= 1
