"""The same-day habit: working days and their states, streaks, habit strength and the check-in
streak, from items and a clock. Figures are computed, never stored, so a corrected old day
recomputes everything after it.

Inputs are plain data as the store keeps them, so ten years are read without building an Item
per note:
- `rows`: `HabitRow` tuples (session date ISO, session time "HH:MM" or None, written moment as the
  store's UTC text or None, count). The store can group them in SQL (`SELECT session_date,
  session_time, written_at, count(*) FROM items GROUP BY 1, 2, 3`); `rows_from_items` makes them
  from Items.
- `checkins`: the dates with a check-in logged.
- `rules` (for `rule_hours`), `tz` and `now` (aware; its date is today).

Outputs: `habit(...)` gives a `Habit`, whose `to_json()` is the `caughtup habit --json` document;
`heatmap(h.days, today, rule_hours)` gives text lines and style spans that a terminal (`styled`
with click.style) and a Textual widget (Rich `Text` spans) both paint; `weekly_strength(h.history,
starts)` gives the trends JSON's weekly `strength`; `status_line`, `acknowledgement`,
`weekly_review` and `checkin_reminder` are the words for screens and alerts (counts only).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker.clock import to_utc_text
from tracker.errors import InputError
from tracker.models import Item
from tracker.rules import DueTexts
from tracker.settings import WEEKDAYS, Rules, Settings
from tracker.trends import MAX_WEEKS
from tracker.words import plural

if TYPE_CHECKING:
    from tracker.store import Store

MULTIPLIER = 0.5 ** (1 / 13)
"""Loop Habit Tracker's daily multiplier (`Score.compute`: 0.5 ** (sqrt(frequency) / 13))."""
STATES = ("kept", "missed", "pending", "skipped")
STRENGTH_MEANS = (
    "Strength (Loop Habit Tracker's score) follows recent working days: a miss lowers it a "
    "little, never to zero."
)

# session date (ISO), session time (HH:MM or None), written moment (UTC text or None), count
HabitRow = tuple[str, str | None, str | None, int]


class Day(NamedTuple):
    """One calendar day of the habit."""

    day: date
    sessions: int
    """Items whose session fell on the day (0: a skipped day)."""
    within_rule: int
    """Of them, notes written within the rule's hours."""
    open_in_time: int
    """Of them, notes still open and not yet due (they make the day pending)."""
    state: str
    """kept (every note within the rule), missed (not, and nothing left in time), pending
    (an open note still in time) or skipped (no sessions)."""

    @property
    def value(self) -> float | None:
        """The share of the day's notes written within the rule (None on a skipped day)."""
        return self.within_rule / self.sessions if self.sessions else None

    def to_json(self) -> dict[str, Any]:
        value = self.value
        return {
            "date": self.day.isoformat(),
            "sessions": self.sessions,
            "within_rule": self.within_rule,
            "value": None if value is None else round(value, 3),
            "state": self.state,
        }


class Habit(NamedTuple):
    """The habit's figures now, and the days of the window asked for."""

    current_streak: int
    """Kept working days in a row, back from the most recent resolved one."""
    best_streak: int
    strength: int
    """Habit strength, 0 to 100 (`score` shown rounded)."""
    checkin_streak: int
    """Working days in a row with a check-in (today counts once it is logged)."""
    days: list[Day]
    """Every day of the window, oldest first: from a Monday to today."""
    history: list[Day]
    """Every working day up to today, oldest first (for `weekly_strength`)."""
    score: float
    """Habit strength, exact, 0 to 1."""
    today: date
    rule_hours: int

    def to_json(self) -> dict[str, Any]:
        return {
            "current_streak": self.current_streak,
            "best_streak": self.best_streak,
            "strength": self.strength,
            "checkin_streak": self.checkin_streak,
            "days": [d.to_json() for d in self.days],
        }


# -- the figures --------------------------------------------------------------------------------


def rows_from_items(items: Iterable[Item]) -> list[HabitRow]:
    """Items as the rows `tally` reads (one row per item)."""
    return [
        (
            i.session_date.isoformat(),
            i.session_time.strftime("%H:%M") if i.session_time else None,
            to_utc_text(i.written_at) if i.written_at else None,
            1,
        )
        for i in items
    ]


def tally(rows: Iterable[HabitRow], rules: Rules, tz: tzinfo, now: datetime) -> list[Day]:
    """Every working day up to today, oldest first, with its counts and state.

    A day after today has not happened yet (a planned session, or a clock moved back): left out.
    """
    today = now.date().isoformat()
    by_day: dict[str, list[HabitRow]] = {}
    for row in rows:
        if row[0] <= today and row[3] > 0:
            mine = by_day.get(row[0])
            if mine is None:
                by_day[row[0]] = [row]
            else:
                mine.append(row)
    if not by_day:
        return []
    dues = DueTexts(rules, tz, date.fromisoformat(min(by_day)), now.date())
    now_text = to_utc_text(now)
    days = []
    # Ten years are some 13,000 notes: each is compared as text with its day's band, inline, and
    # only one near the day's due times is looked at closer (`close_call`).
    for key in sorted(by_day):
        day = date.fromisoformat(key)
        early, late = dues.band(day)
        sessions = within = in_time = 0
        for _, session_time, written_at, count in by_day[key]:
            sessions += count
            if written_at is None:
                # Open: in time (`rules.breached` is false) until now passes the due time.
                if now_text < early or (
                    now_text <= late and dues.close_call(key, session_time, now_text)
                ):
                    in_time += count
            elif written_at < early or (
                written_at <= late and dues.close_call(key, session_time, written_at)
            ):
                within += count
        state = "pending" if in_time else "kept" if within == sessions else "missed"
        days.append(Day(day, sessions, within, in_time, state))
    return days


def step(score: float, day: Day) -> float:
    """Habit strength after one more working day (0 to 1); a pending day leaves it as it is.

    Loop Habit Tracker's score, `s * m + value * (1 - m)`, except that a missed day never raises
    it: early on (strength below the day's share) the formula alone would reward a missed day.
    """
    if day.state == "pending" or not day.sessions:
        return score
    moved = score * MULTIPLIER + (day.within_rule / day.sessions) * (1 - MULTIPLIER)
    return min(score, moved) if day.state == "missed" else moved


def shown(score: float) -> int:
    """Strength as shown: 0 to 100, halves rounded up."""
    return int(score * 100 + 0.5)


def streaks(history: Iterable[Day]) -> tuple[int, int]:
    """(current, best) runs of kept working days; pending and skipped days neither keep nor
    break a run."""
    run = best = 0
    for day in history:
        if day.state == "kept":
            run += 1
            best = max(best, run)
        elif day.state == "missed":
            run = 0
    return run, best


def checkin_streak(history: Sequence[Day], checkins: Collection[date], today: date) -> int:
    """Working days in a row with a check-in, back from today (whose check-in may still come)."""
    run = 0
    for day in reversed(history):
        if day.day in checkins:
            run += 1
        elif day.day != today:
            break
    return run


def window_start(today: date, weeks: int) -> date:
    """The Monday that starts a window of `weeks` weeks ending with today's week."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InputError(f"weeks must be a whole number from 1 to {MAX_WEEKS}, got {weeks}")
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


def habit(
    rows: Iterable[HabitRow],
    checkins: Collection[date],
    rules: Rules,
    tz: tzinfo,
    now: datetime,
    weeks: int = 52,
) -> Habit:
    """The habit's figures over all history, with the days of the last `weeks` weeks."""
    today = now.date()
    start = window_start(today, weeks)
    history = tally(rows, rules, tz, now)
    score = 0.0
    for day in history:
        score = step(score, day)
    current, best = streaks(history)
    working = {d.day: d for d in history if d.day >= start}
    days = [
        working.get(d) or Day(d, 0, 0, 0, "skipped")
        for d in (start + timedelta(days=n) for n in range((today - start).days + 1))
    ]
    return Habit(
        current_streak=current,
        best_streak=best,
        strength=shown(score),
        checkin_streak=checkin_streak(history, checkins, today),
        days=days,
        history=history,
        score=score,
        today=today,
        rule_hours=rules.rule_hours,
    )


def current(store: Store, settings: Settings, now: datetime, weeks: int = 52) -> Habit:
    """The habit as the store holds it now (every item ever logged: figures are never stored)."""
    rows = store.habit_rows()
    return habit(rows, store.checkin_days(), settings.rules, now.tzinfo or store.tz, now, weeks)


def current_streak(store: Store, settings: Settings, now: datetime) -> int:
    """The current streak alone, reading back only until a missed day (`status --short`: a
    prompt runs it all day, and a streak is weeks, not years)."""
    tz, back = now.tzinfo or store.tz, 64
    while True:
        since = now.date() - timedelta(days=back)
        history = tally(store.habit_rows(since), settings.rules, tz, now)
        # Each day's state is its own: once a missed day is in view, the days before it do not
        # change the run after it.
        if any(d.state == "missed" for d in history) or back > 366 * 100:
            return streaks(history)[0]
        back *= 8


def weekly_strength(history: Sequence[Day], starts: Sequence[date]) -> list[int | None]:
    """Strength at each week's end (for the week under way: now); None before the first
    resolved working day. `starts` are week starts, oldest first (`trends.week_starts`)."""
    out: list[int | None] = []
    score, seen, n = 0.0, False, 0
    for start in starts:
        end = start + timedelta(weeks=1)
        while n < len(history) and history[n].day < end:
            score = step(score, history[n])
            seen = seen or history[n].state in ("kept", "missed")
            n += 1
        out.append(shown(score) if seen else None)
    return out


# -- the heatmap ----------------------------------------------------------------------------------

GLYPHS = {"kept": "█", "high": "▓", "mid": "▒", "low": "░", "pending": "○", "skipped": "·"}
"""One mark per cell style: the map reads without colour (NO_COLOR)."""
COLOURS = {
    "kept": "green",
    "high": "yellow",
    "mid": "yellow",
    "low": "yellow",
    "pending": "cyan",
    "skipped": "bright_black",
}
"""Colour names that click.style and Rich both know; never red: a miss is not an alarm."""
LABEL = 4  # "Mon " before the first cell


class Span(NamedTuple):
    """A run of one style on one line (columns `start` to `end`, end exclusive)."""

    line: int
    start: int
    end: int
    style: str


class Heatmap(NamedTuple):
    lines: list[str]
    spans: list[Span]


def cell_style(day: Day) -> str:
    """kept, pending or skipped; a missed day by its share: high (2/3 or more), mid, low."""
    value = day.value
    if day.state != "missed" or value is None:
        return day.state
    return "high" if value >= 2 / 3 else "mid" if value >= 1 / 3 else "low"


def heatmap(days: Sequence[Day], today: date, rule_hours: int, legend: bool = True) -> Heatmap:
    """Rows Mon to Sun, one column a week from the first day's Monday to today's, month names
    above; days after today are blank. `days` as in `Habit.days` (missing dates: skipped)."""
    by_day = {d.day: d for d in days}
    start = days[0].day if days else today
    first = start - timedelta(days=start.weekday())
    weeks = (today - first).days // 7 + 1
    lines, spans = [_months(first, weeks)], []
    for row, weekday in enumerate(WEEKDAYS, start=1):
        cells, styles = [], []
        for w in range(weeks):
            d = first + timedelta(weeks=w, days=row - 1)
            if d > today:
                cells.append(" ")
                styles.append("")
                continue
            style = cell_style(by_day.get(d) or Day(d, 0, 0, 0, "skipped"))
            cells.append(GLYPHS[style])
            styles.append(style)
        lines.append((weekday.capitalize() + " " + "".join(cells)).rstrip())
        spans.extend(_runs(row, LABEL, styles))
    if legend:
        parts = [
            ("kept", f"all within {plural(rule_hours, 'hour')}"),
            ("high", ""),
            ("mid", ""),
            ("low", "some later"),
            ("pending", "still in time"),
            ("skipped", "no sessions"),
        ]
        text, row = "", len(lines)
        for style, words in parts:
            spans.append(Span(row, len(text), len(text) + 1, style))
            text += GLYPHS[style] + (f" {words}  " if words else "")
        lines.append(text.rstrip())
    return Heatmap(lines, spans)


def _months(first: date, weeks: int) -> str:
    """Month names above the week where each month starts (the first column's month too, when
    the next name leaves room for it)."""
    starts = [w for w in range(weeks) if (first + timedelta(weeks=w, days=6)).day <= 7]
    header = [" "] * (LABEL + weeks + 3)
    if not starts or starts[0] >= 4:
        starts.insert(0, 0)
    free = 0
    for w in starts:
        if LABEL + w >= free:
            month = first + timedelta(weeks=w, days=6 if w else 0)
            header[LABEL + w : LABEL + w + 3] = month.strftime("%b")
            free = LABEL + w + 4
    return "".join(header).rstrip()


def _runs(line: int, offset: int, styles: Sequence[str]) -> list[Span]:
    """Spans over runs of one style (blank cells get none)."""
    spans, n = [], 0
    while n < len(styles):
        end = n
        while end < len(styles) and styles[end] == styles[n]:
            end += 1
        if styles[n]:
            spans.append(Span(line, offset + n, offset + end, styles[n]))
        n = end
    return spans


def styled(hm: Heatmap, paint: Callable[[str, str], str]) -> list[str]:
    """The lines with each span's text passed through `paint(text, style)` (e.g. click.style
    with `COLOURS`); without colour, print `hm.lines` as they are."""
    out = []
    for n, line in enumerate(hm.lines):
        mine = sorted((s for s in hm.spans if s.line == n), key=lambda s: s.start)
        parts, at = [], 0
        for s in mine:
            parts += [line[at : s.start], paint(line[s.start : s.end], s.style)]
            at = s.end
        out.append("".join([*parts, line[at:]]))
    return out


# -- words ----------------------------------------------------------------------------------------


def day_name(day: date, today: date) -> str:
    """'today', 'yesterday', 'Tuesday' within the last week, else 'Tue 3 Nov'."""
    back = (today - day).days
    if back == 0:
        return "today"
    if back == 1:
        return "yesterday"
    if 1 < back < 7:
        return day.strftime("%A")
    return f"{day:%a} {day.day} {day:%b}"


def strength_words(strength: int) -> str:
    """How strong the habit is, kindly: after a miss it is information, not a verdict."""
    if strength >= 70:
        return "still strong"
    if strength >= 40:
        return "holding"
    return "each kept day builds it"


def status_line(h: Habit) -> str:
    """'streak 6 working days · best 14 · strength 78' for the Today screen."""
    return (
        f"streak {plural(h.current_streak, 'working day')} · best {h.best_streak} · "
        f"strength {h.strength}"
    )


def short_streak(streak: int) -> str:
    """'streak 6' for `status --short` (working days, kept in a row)."""
    return f"streak {streak}"


def summary_line(h: Habit, checkins: bool = True) -> str:
    """'Same-day habit: ' and the status line, with the check-in streak unless told not to."""
    line = "Same-day habit: " + status_line(h)
    if checkins and h.checkin_streak:
        line += f" · check-ins on {plural(h.checkin_streak, 'working day')} in a row"
    return line


def acknowledgement(h: Habit) -> str:
    """One line after a check-in about the latest working day: kept, missed or still in time."""
    if not h.history:
        return "No working days yet: the habit starts with the first session logged."
    last = h.history[-1]
    name = day_name(last.day, h.today)
    if last.state == "kept":
        return (
            f"Kept {name}: streak {plural(h.current_streak, 'working day')}, strength {h.strength}."
        )
    if last.state == "missed":
        return f"Missed {name}; strength {h.strength}, {strength_words(h.strength)}."
    return (
        f"{plural(last.open_in_time, 'note')} from {name} still within "
        f"{plural(h.rule_hours, 'hour')}; streak {plural(h.current_streak, 'working day')}, "
        f"strength {h.strength}."
    )


def weekly_review(h: Habit, week_start: date, outstanding: int) -> str:
    """'This week: 23 of 26 notes within 24 hours, streak 6 working days, strength 78,
    3 outstanding.' Counts only."""
    end = week_start + timedelta(weeks=1)
    week = [d for d in h.history if week_start <= d.day < end]
    sessions = sum(d.sessions for d in week)
    if sessions:
        within = sum(d.within_rule for d in week)
        in_time = sum(d.open_in_time for d in week)
        notes = f"{within} of {plural(sessions, 'note')} within {plural(h.rule_hours, 'hour')}"
        if in_time:
            notes += f" ({in_time} still in time)"
    else:
        notes = "no sessions logged"
    return (
        f"This week: {notes}, streak {plural(h.current_streak, 'working day')}, "
        f"strength {h.strength}, {outstanding} outstanding."
    )


def checkin_reminder_text() -> str:
    """The daily check-in reminder, without the streak."""
    return "Today's check-in: about 30 seconds."


def checkin_reminder(h: Habit) -> str:
    """The daily check-in reminder, with the check-in streak when there is one."""
    text = checkin_reminder_text().removesuffix(".")
    if h.checkin_streak:
        text += f" (check-ins on {plural(h.checkin_streak, 'working day')} in a row)"
    return text + "."


def checkin_due(now: datetime, at: time, working_days: Sequence[str], checked_in: bool) -> bool:
    """The check-in reminder is due: a working weekday, `at` has passed, no check-in yet.
    (Quiet hours, weekends and once-a-day are the alerts' business.)"""
    return not checked_in and WEEKDAYS[now.weekday()] in working_days and now.time() >= at


def weekly_review_due(now: datetime, weekday: str, at: time) -> bool:
    """The weekly review is due: its weekday, from `at` on."""
    return WEEKDAYS[now.weekday()] == weekday and now.time() >= at
