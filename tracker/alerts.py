"""Which reminders are due: a pure function of (items, day logs, today's catch-up blocks, the last
self-check date, settings, sent-state, now).

Each alert kind has a *level* while it holds (a count, a tier, a date). The sent-state maps a kind
to the highest level already delivered; an alert fires when its level is worse than that, and a
kind that no longer holds is dropped from the state so it can fire again later. Quiet hours and
weekends hold everything back without touching the state, so a held alert goes out at the next
allowed run if it still holds. Messages carry counts, ages and a next step: the text is built from
numbers and settings only, never from an item's client reference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tracker import habit, rules
from tracker.models import DayLog, Item
from tracker.planner import goal_line, order
from tracker.records import SprintBlock
from tracker.selfcheck import next_due
from tracker.settings import Notify, Settings
from tracker.trends import week_starts
from tracker.words import days_old, hours_rule, join, noun, number_word, plural, with_article

KINDS = (
    "urgent",
    "breach",
    "threshold",
    "tier",
    "block",
    "chase",
    "selfcheck",
    "checkin",
    "review",
)
"""Every alert kind, in the order a message lists them. A new kind is a name here and an `Alert`
appended in `current_alerts`: sending it in the run's one message, sending it once per level
(the sent-state) and holding it in quiet hours all follow from that."""
URGENT_TIERS = (1, 3)  # P1 court or legally sensitive, P3 high-risk: past the rule, said apart

Level = int | str
SentState = dict[str, Level]


@dataclass(frozen=True)
class Alert:
    """One message to send: `level` goes into the sent-state once it is delivered."""

    kind: str
    level: Level
    title: str
    body: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "body": self.body}


@dataclass
class Evaluation:
    """What `evaluate` decided: alerts to send now, alerts held back, and the sent-state."""

    send: list[Alert]
    held: list[Alert]
    hold_reason: str | None
    """None, "quiet_hours" or "weekend"."""
    held_until: datetime | None
    base: SentState
    """The old sent-state with resolved kinds dropped: what to keep if nothing is delivered."""
    active: list[str] = field(default_factory=list)
    """Every kind that holds now, sent before or not."""

    @property
    def state(self) -> SentState:
        """The new sent-state once every alert in `send` is delivered."""
        return self.state_after(a.kind for a in self.send)

    def state_after(self, delivered: Iterable[str]) -> SentState:
        """The new sent-state when only the alerts of these kinds were delivered."""
        done = set(delivered)
        state = dict(self.base)
        state.update({a.kind: a.level for a in self.send if a.kind in done})
        return state


# -- quiet hours and weekends ---------------------------------------------------------------


def quiet_range(text: str) -> tuple[time, time] | None:
    """(start, end) of the quiet hours setting, or None when there are none."""
    if not text:
        return None
    start, end = (time.fromisoformat(part) for part in text.split("-"))
    return None if start == end else (start, end)


def hold_reason(now: datetime, notify: Notify) -> str | None:
    """Why messages wait at `now` (local time): "quiet_hours", "weekend", or None."""
    span = quiet_range(notify.quiet_hours)
    if span is not None:
        start, end = span
        at = now.time().replace(tzinfo=None)
        # A range like 19:00-08:00 runs across midnight.
        quiet = start <= at < end if start < end else (at >= start or at < end)
        if quiet:
            return "quiet_hours"
    if not notify.weekends and now.weekday() >= 5:
        return "weekend"
    return None


def next_allowed(now: datetime, notify: Notify) -> datetime | None:
    """The first moment from `now` when messages may go out (None if never within a week)."""
    span = quiet_range(notify.quiet_hours)
    candidates = [now]
    for offset in range(9):
        day = now.date() + timedelta(days=offset)
        # Allowed time starts either when quiet hours end or when a weekday begins.
        starts = [time(0)] + ([span[1]] if span else [])
        candidates += [datetime.combine(day, t, tzinfo=now.tzinfo) for t in starts]
    for moment in sorted(c for c in candidates if c >= now):
        if hold_reason(moment, notify) is None:
            return moment
    return None


# -- wording ----------------------------------------------------------------------------------


def catchup_minutes(item: Item, settings: Settings) -> int:
    """Minutes to write one note in a catch-up block, from the settings."""
    sprint = settings.sprint
    if sprint.notes_per_block:
        return max(1, sprint.block_minutes // sprint.notes_per_block)
    per_type = sprint.minutes_per_type
    return per_type.get(item.note_type, per_type.get("progress", 9))


def clear_step(ordered: Sequence[Item], want: int, settings: Settings) -> str:
    """'a 27-minute catch-up clears the three most urgent (1 P1 court/legal, 2 P4 routine)':
    the first `want` of `ordered` (the plan's order), at most one block."""
    budget = settings.sprint.block_minutes
    take, minutes = 0, 0
    for item in ordered[: max(1, want)]:
        cost = catchup_minutes(item, settings)
        if take and minutes + cost > budget:
            break
        take, minutes = take + 1, minutes + cost
    first = "most recent" if settings.sprint.strategy == "recent" else "most urgent"
    if take == len(ordered):
        which = "it" if take == 1 else "all of them" if take > 10 else f"all {number_word(take)}"
    else:
        which = f"the {first}" if take == 1 else f"the {number_word(take)} {first}"
    tiers = sorted(Counter(rules.triage_tier(i) for i in ordered[:take]).items())
    named = (
        rules.TRIAGE_LABELS[tiers[0][0]]
        if take == 1
        else ", ".join(f"{n} {rules.TRIAGE_LABELS[t]}" for t, n in tiers)
    )
    return f"{with_article(f'{minutes}-minute')} catch-up clears {which} ({named})"


# -- the alerts ---------------------------------------------------------------------------------


def _first_day(days: Iterable[DayLog], items: Iterable[Item]) -> date | None:
    firsts = [d.day for d in days] + [i.session_date for i in items]
    return min(firsts, default=None)


def current_alerts(
    items: Iterable[Item],
    days: Iterable[DayLog],
    blocks_today: Sequence[SprintBlock],
    last_selfcheck: date | None,
    settings: Settings,
    now: datetime,
    *,
    selfcheck_flagged: bool = False,
    figures: habit.Habit | None = None,
) -> list[Alert]:
    """Every alert that holds at `now`, each with its level and message (no sent-state yet).

    `figures`: the same-day habit now, for the weekly review (and the check-in reminder's
    streak); the caller reads it only when `habit_wanted` says one of them may be due."""
    items = list(items)
    tz, today, rule_set = now.tzinfo or UTC, now.date(), settings.rules
    open_items = [i for i in items if i.is_open]
    # The plan's order (triage by default): what a catch-up should write first.
    outstanding = order(
        (i for i in open_items if rules.is_outstanding(i)),
        settings.sprint.strategy,
        rule_set,
        today,
    )
    n_open = len(outstanding)
    oldest = max((rules.age_days(i, today) for i in outstanding), default=0)
    found: list[Alert] = []
    rule = hours_rule(rule_set)

    late = [i for i in outstanding if rules.breached(i, rule_set, tz, now)]
    urgent = [i for i in late if rules.triage_tier(i) in URGENT_TIERS]
    if urgent:
        tiers = sorted(Counter(rules.triage_tier(i) for i in urgent).items())
        found.append(
            Alert(
                "urgent",
                len(urgent),
                f"{plural(len(urgent), 'court or high-risk note')} past {rule}",
                f"{join([f'{n} {rules.TRIAGE_LABELS[t]}' for t, n in tiers])} "
                f"{noun(len(urgent), 'note')} open past "
                f"{rule}, oldest {days_old(max(rules.age_days(i, today) for i in urgent))}: "
                "write these first, before any routine note.",
            )
        )
    if late:
        found.append(
            Alert(
                "breach",
                len(late),
                f"{plural(len(late), 'note')} past {rule}",
                f"{plural(len(late), 'note')} past {rule}, oldest "
                f"{days_old(max(rules.age_days(i, today) for i in late))}: "
                f"{clear_step(late, len(late), settings)}.",
            )
        )

    threshold = rule_set.threshold
    if rules.threshold_state(n_open, threshold) == "reached":
        # Back to "ok" means below the watch line (threshold - 2).
        to_ok = n_open - max(0, threshold - 3)
        found.append(
            Alert(
                "threshold",
                n_open // threshold,
                f"Catch up now: {plural(n_open, 'note')} open",
                f"{plural(n_open, 'note')} open, oldest {days_old(oldest)}: "
                f"{clear_step(outstanding, to_ok, settings)}. The backlog is fixable.",
            )
        )

    tier = rules.backlog_tier(oldest if outstanding else None)
    if tier is not None and tier != rules.TIERS[0]:
        found.append(
            Alert(
                "tier",
                rules.TIERS.index(tier),
                f"Backlog now {rules.TIER_LABELS[tier]}",
                f"Oldest open note {plural(oldest, 'day')}, {plural(n_open, 'note')} open. "
                f"Next step: {rules.TIER_GOALS[tier]}; `caughtup plan` maps it out.",
            )
        )

    open_ids = {i.id for i in outstanding}
    ahead = sorted(
        (
            b
            for b in blocks_today
            if b.done_at is None
            and b.day == today
            and datetime.combine(today, b.start, tzinfo=tz) + timedelta(minutes=b.minutes) > now
        ),
        key=lambda b: b.start,
    )
    if ahead and n_open:
        starts = ", ".join(f"{b.start:%H:%M}" for b in ahead)
        label = "A catch-up block" if len(ahead) == 1 else f"{len(ahead)} catch-up blocks"
        # The plan's goal, counted again from the notes still open (types and counts only).
        goals = [
            goal_line((t, [i for i in ids if i in open_ids]) for t, ids in b.groups) for b in ahead
        ]
        minutes = sum(b.minutes for b in ahead)
        found.append(
            Alert(
                "block",
                today.isoformat(),
                f"{label} today at {starts}",
                f"{plural(minutes, 'minute')} for catch-up today; the plan: {'; then '.join(goals)}. "
                f"{plural(n_open, 'note')} open, oldest {days_old(oldest)}.",
            )
        )

    waiting = sorted(
        (i for i in open_items if rules.chase(i, rule_set, now)),
        key=lambda i: i.blocked_since or datetime.combine(i.session_date, time(0), tzinfo=tz),
    )
    if waiting:
        first = waiting[0]
        since = first.blocked_since or datetime.combine(first.session_date, time(0), tzinfo=tz)
        longest = (now - since).days
        found.append(
            Alert(
                "chase",
                len(waiting),
                f"{plural(len(waiting), 'note')} to chase",
                f"{plural(len(waiting), 'note')} waiting on someone else for over "
                f"{plural(rule_set.escalation_days, 'day')}, longest {plural(longest, 'day')}: "
                "a short message or call unblocks them.",
            )
        )

    start = last_selfcheck or _first_day(days, items)
    if start is not None:
        due_on = next_due(start, selfcheck_flagged and last_selfcheck is not None)
        if today >= due_on:
            # Only that one is due: when it is due says nothing about how the last one went.
            found.append(
                Alert(
                    "selfcheck",
                    due_on.isoformat(),
                    "Self-check due",
                    "A self-check is due. It takes about five minutes: `caughtup selfcheck`.",
                )
            )
    found += habit_alerts(days, settings, now, n_open, figures)
    return found


def habit_wanted(settings: Settings, now: datetime) -> bool:
    """Whether the check-in reminder or the weekly review may be due at `now` (only then is
    the habit read: every item ever logged)."""
    notify, at = settings.notify, time.fromisoformat(settings.notify.checkin_at)
    return (
        notify.checkin_reminder and habit.checkin_due(now, at, settings.working_days, False)
    ) or (notify.weekly_review and habit.weekly_review_due(now, notify.weekly_review_day, at))


def habit_alerts(
    days: Iterable[DayLog],
    settings: Settings,
    now: datetime,
    outstanding: int,
    figures: habit.Habit | None,
) -> list[Alert]:
    """The daily check-in reminder and the weekly review, each once on its day (the level is
    the date), counts only. Both are about their day: in quiet hours or at a weekend they do
    not hold at all, rather than go out the next morning out of date."""
    notify, today = settings.notify, now.date()
    at = time.fromisoformat(notify.checkin_at)
    found: list[Alert] = []
    if hold_reason(now, notify) is not None:
        return found
    checked_in = any(d.day == today for d in days)
    if notify.checkin_reminder and habit.checkin_due(now, at, settings.working_days, checked_in):
        body = (
            habit.checkin_reminder(figures)
            if figures is not None
            else habit.checkin_reminder_text()
        )
        found.append(Alert("checkin", today.isoformat(), "Today's check-in", body))
    if (
        notify.weekly_review
        and figures is not None
        and habit.weekly_review_due(now, notify.weekly_review_day, at)
    ):
        start = week_starts(today, 1, settings.first_weekday)[0]
        found.append(
            Alert(
                "review",
                today.isoformat(),
                "Your week of notes",
                habit.weekly_review(figures, start, outstanding),
            )
        )
    return found


def compose(due: Sequence[Alert]) -> tuple[str, str]:
    """The one message (title, body) for the alerts due in one run, listed in `KINDS` order.

    One alert is sent as it is; several as one message, so a bad morning is one push, not
    three arriving at once. Built only from the alerts' own counts-only words."""
    ordered = sorted(due, key=lambda a: KINDS.index(a.kind) if a.kind in KINDS else len(KINDS))
    if len(ordered) == 1:
        return ordered[0].title, ordered[0].body
    title = f"caughtup: {plural(len(ordered), 'reminder')}: {ordered[0].title}"
    body = "\n\n".join(f"{a.title}. {a.body}" for a in ordered)
    return title, body


def _worse(level: Level, sent: Level | None) -> bool:
    if sent is None:
        return True
    if isinstance(level, int) and isinstance(sent, int):
        return level > sent
    return level != sent


def evaluate(
    items: Iterable[Item],
    days: Iterable[DayLog],
    blocks_today: Sequence[SprintBlock],
    last_selfcheck: date | None,
    settings: Settings,
    sent: Mapping[str, Level],
    now: datetime,
    *,
    selfcheck_flagged: bool = False,
    figures: habit.Habit | None = None,
) -> Evaluation:
    """What to send now and the sent-state that follows (see the module doc)."""
    holding = current_alerts(
        items,
        days,
        blocks_today,
        last_selfcheck,
        settings,
        now,
        selfcheck_flagged=selfcheck_flagged,
        figures=figures,
    )
    active = [a.kind for a in holding]
    base = {kind: level for kind, level in sent.items() if kind in active}
    due = [a for a in holding if _worse(a.level, base.get(a.kind))]
    reason = hold_reason(now, settings.notify)
    if reason is None:
        return Evaluation(due, [], None, None, base, active)
    return Evaluation([], due, reason, next_allowed(now, settings.notify), base, active)
