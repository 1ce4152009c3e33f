"""The daily check-in: what counts are valid, and how a check-in and the notes agree.

A check-in states its day's totals: sessions held, their notes written the same day, and older
backlog notes cleared that day. Notes the user marked by hand (itemized ones, `done`, a block)
are facts; anonymous ("count") notes make up the difference, each owned by the check-in that
wrote it (`cleared_by`). `reconcile` works out what one check-in changes and `place` where an
itemized note joins a day already logged: pure functions over the day's items, which the store
applies in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker import rules as r
from tracker import words
from tracker.errors import FieldError
from tracker.models import DayLog, Item
from tracker.settings import Rules
from tracker.words import agree, item_name, plural

if TYPE_CHECKING:  # the store imports this module
    from tracker.store import Store

MAX_SESSIONS = 40
MAX_CLEARED = 200
MAX_AFTER_HOURS = 1440
EARLIEST = date(2000, 1, 1)


def _bounded(field: str, value: int | None, lo: int, hi: int) -> None:
    if value is not None and not lo <= value <= hi:
        raise FieldError(field, f"must be {lo} to {hi}, got {value}")


def validate(log: DayLog, today: date) -> None:
    """Raise FieldError naming the first bad field of a check-in."""
    if log.day > today:
        raise FieldError(
            "day",
            f"{log.day.isoformat()} is in the future; log today ({today.isoformat()}) "
            "or an earlier day",
        )
    if log.day < EARLIEST:
        raise FieldError("day", f"{log.day.isoformat()} is before {EARLIEST.isoformat()}")
    _bounded("sessions", log.sessions, 0, MAX_SESSIONS)
    _bounded("written", log.written, 0, MAX_SESSIONS)
    if log.written > log.sessions:
        raise FieldError(
            "written",
            f"{log.written} is more than {{sessions}} {log.sessions}; same-day notes are for "
            "today's sessions (count older notes with {cleared})",
            mentions=("sessions", "cleared"),
        )
    _bounded("cleared", log.cleared, 0, MAX_CLEARED)
    _bounded("after_hours", log.after_hours, 0, MAX_AFTER_HOURS)
    _bounded("dread", log.dread, 0, 4)
    _bounded("drained", log.drained, 0, 4)


def as_shown(log: DayLog, older_written: int) -> DayLog:
    """A day's check-in as a form shows it: its cleared count at least the `older_written` notes
    from before the day written on it (by hand, in a block, or by its count), so saving it again
    unchanged clears and opens nothing."""
    return log._replace(cleared=older_written) if older_written > log.cleared else log


def written_moment(day: date, now: datetime, tz: tzinfo) -> datetime:
    """When a note logged as written on `day` was written: now for today, else the end of that
    day (23:59), as a back-filled day was over before it was logged."""
    if day >= now.date():
        return now
    return datetime.combine(day, time(23, 59), tzinfo=tz)


def save_changes(
    store: Store, day: date, changes: Mapping[str, Any], now: datetime, rules: Rules
) -> dict[str, Any]:
    """Save only the fields in `changes` over the day as stored now, in one write transaction.

    The app's form may have been loaded before another process logged the day: a dread rating
    typed later must not write the form's old sessions or after-hours back over newer ones.
    """
    with store.transaction():
        log = store.day(day) or DayLog(day=day, sessions=0, written=0)
        log = log._replace(**changes)
        validate(log, now.date())
        return store.log_day(log, now, rules)


def _on(moment: datetime | None, day: date, tz: tzinfo) -> bool:
    return moment is not None and moment.astimezone(tz).date() == day


def night_other_day(now: datetime, until: str) -> date | None:
    """The day before `now` when `now` lies between midnight and `until` (HH:MM), else None.

    A check-in then may well be for the evening just ended: the app asks, the CLI says which
    day it logged and how to log the other."""
    if now.time().replace(tzinfo=None) < time.fromisoformat(until):
        return now.date() - timedelta(days=1)
    return None


def _ids(items: Sequence[Item]) -> list[int]:
    return [i.id or 0 for i in items]


class Reconciled(NamedTuple):
    """What one check-in changes (for the store to apply) and what it tells the user."""

    log: DayLog
    """The day as kept: its cleared count includes the older notes already marked by hand."""
    at: datetime
    """When the notes this check-in marks were written: now, or the end of a back-filled day."""
    write: list[int]
    """Anonymous notes of the day now written the same day."""
    unwrite: list[int]
    """Anonymous notes of the day open again (fewer written the same day)."""
    delete: list[int]
    """Open anonymous notes of the day no longer held (fewer sessions)."""
    new_written: int
    new_open: int
    clear: list[tuple[int, str | None]]
    """Older notes cleared, each with its late-entry notation (None when on time)."""
    reopen: list[int]
    """Older notes this day's count had cleared, open again (a smaller count)."""
    already: int
    """Older notes the user marked written that day by hand (done, a block)."""
    anonymous: int
    """Anonymous notes the day holds afterwards."""
    refs: Mapping[int, str] = {}
    """The client reference of each cleared note that has one (for the user's own terminal)."""


def reconcile(
    log: DayLog,
    day_items: Sequence[Item],
    backlog: Sequence[Item],
    candidates: Sequence[Item],
    now: datetime,
    tz: tzinfo,
    rules: Rules,
) -> Reconciled:
    """The changes that make `log.day`'s notes agree with the check-in `log`.

    `day_items`: every note of the day's sessions. `backlog`: older notes written on the day or
    cleared by its check-in. `candidates`: open, unblocked older notes in the order the count
    clears them (anonymous first, oldest first), at least `log.cleared` of them when there are.
    Notes marked by hand are never changed: the counts reconcile with them, so nothing is
    written twice. FieldError (nothing to apply) when the cleared count cannot be met.
    """
    day = log.day
    at = written_moment(day, now, tz)
    by_id = sorted(day_items, key=lambda i: i.id or 0)
    # Notes a count may write or open again: anonymous ones, and the calendar's sessions (first,
    # as they are the sessions held); only anonymous ones are ever added or deleted.
    soft = [i for i in by_id if i.source == "calendar"] + [i for i in by_id if i.source == "count"]
    owned = [i for i in soft if i.written_at is not None and i.cleared_by == day]
    open_soft = [i for i in soft if i.written_at is None]
    fixed = [i for i in by_id if i not in owned and i not in open_soft]
    calendar = sum(1 for i in owned + open_soft if i.source == "calendar")
    fixed_same_day = sum(1 for i in fixed if _on(i.written_at, day, tz))
    room = max(0, log.sessions - len(fixed), calendar)
    want_written = min(max(0, log.written - fixed_same_day), room)
    want_open = room - want_written

    surplus = owned[want_written:]
    need = want_written - min(len(owned), want_written)
    write = open_soft[:need]
    rest_open = open_soft[len(write) :]
    new_written = need - len(write)
    # Fewer sessions: the surplus written ones go first, then the newest open ones (anonymous
    # notes only: a session from the calendar stays, as the calendar says it was held).
    pool = [i for i in surplus + rest_open[::-1] if i.source == "count"]
    held = len(surplus) + len(rest_open)
    delete = _ids(pool[: max(0, held - want_open)])
    new_open = max(0, want_open - held)
    unwrite = [i for i in _ids(surplus) if i not in delete]

    mine = [i for i in backlog if i.cleared_by == day]
    already = [i for i in backlog if i.cleared_by != day and _on(i.written_at, day, tz)]
    target = max(0, log.cleared - len(already))
    reopen: list[int] = []
    clear: list[tuple[int, str | None]] = []
    refs: dict[int, str] = {}
    if len(mine) > target:
        newest_first = sorted(mine, key=lambda i: (i.session_date, i.id or 0), reverse=True)
        reopen = _ids(newest_first[: len(mine) - target])
    else:
        pick = [i for i in candidates if r.is_outstanding(i) and i.session_date < day][
            : target - len(mine)
        ]
        if len(pick) < target - len(mine):
            total = len(already) + len(mine) + len(pick)
            raise FieldError(
                "cleared",
                f"{log.cleared} is more than the {plural(total, 'note')} from before {day.isoformat()} "
                f"that are open or were marked written that day; use a number up to {total}",
            )
        for item in pick:
            late = r.is_late_entry(item, at, rules, tz)
            clear.append((item.id or 0, r.late_entry_notation(item, at, rules) if late else None))
            if item.client_ref:
                refs[item.id or 0] = item.client_ref
    return Reconciled(
        log=log._replace(
            sessions=max(log.sessions, len(fixed) + calendar) if calendar else log.sessions,
            cleared=len(already) + target,
            logged_at=now,
        ),
        at=at,
        write=_ids(write),
        unwrite=unwrite,
        delete=delete,
        new_written=new_written,
        new_open=new_open,
        clear=clear,
        reopen=reopen,
        already=len(already),
        anonymous=room - calendar,
        refs=refs,
    )


def outcome(change: Reconciled, now: datetime) -> dict[str, Any]:
    """What a saved check-in did to the notes (`log --json` carries it; `result_lines` words it)."""
    return {
        "anonymous_items": change.anonymous,
        "added": change.new_written + change.new_open,
        "removed": len(change.delete),
        "cleared": change.log.cleared,
        "already_written": change.already,
        "cleared_ids": [i for i, _ in change.clear],
        "reopened_ids": change.reopen,
        "marked_written": len(change.write) + change.new_written + len(change.clear),
        "written_at": change.at,
        "backfilled": change.at != now,
        "notations": [
            {"id": i, "notation": n, "client_ref": change.refs.get(i)} for i, n in change.clear if n
        ],
    }


class Placement(NamedTuple):
    """Where a new itemized note went in its day's check-in."""

    id: int
    day: date
    replaced: int | None
    """The anonymous note of the day it took the place of, if any."""
    written: bool
    """Placed as a note written the same day (else as one open at the day's end)."""
    extra: bool
    """The day was logged but held no such anonymous note: one session more than it listed."""


def place(
    new: Sequence[Item], anonymous: Sequence[Item], logged: Collection[date], tz: tzinfo
) -> list[Placement]:
    """Each new itemized note takes the place of an anonymous note of its day of the same kind:
    open for open (or written on a later day), written the same day for written the same day.

    Anonymous notes written by hand or cleared on a later day are facts and never replaced.
    Without one of its kind on a logged day, the note is a session more than the check-in had.
    """
    pools: dict[tuple[date, bool], list[int]] = {}
    for a in sorted(anonymous, key=lambda i: i.id or 0):
        if a.written_at is None:
            pools.setdefault((a.session_date, False), []).append(a.id or 0)
        elif a.cleared_by == a.session_date:
            pools.setdefault((a.session_date, True), []).append(a.id or 0)
    out = []
    for item in new:
        same_day = _on(item.written_at, item.session_date, tz)
        pool = pools.get((item.session_date, same_day))
        replaced = pool.pop() if pool else None
        extra = replaced is None and item.session_date in logged
        out.append(Placement(item.id or 0, item.session_date, replaced, same_day, extra))
    return out


def place_notes(
    new: Sequence[Item],
    anonymous: Sequence[Item],
    logs: Mapping[date, tuple[int, int]],
    tz: tzinfo,
) -> tuple[list[Placement], list[int], dict[date, tuple[int, int]]]:
    """`place` new notes among their days' anonymous notes; `logs` holds each logged day's
    (sessions, written). Returns (where each went, the anonymous notes they take the place of,
    the logged days that gained sessions with their (sessions, written) now): a note that is a
    session more than its day's check-in listed makes the check-in say so too (up to its
    bound), so re-logging that day keeps it."""
    if not logs:
        return [Placement(i.id or 0, i.session_date, None, False, False) for i in new], [], {}
    placed = place(new, anonymous, logs.keys(), tz)
    totals: dict[date, tuple[int, int]] = {}
    for p in placed:
        if p.extra:
            sessions, written = totals.get(p.day, logs[p.day])
            totals[p.day] = (
                min(sessions + 1, MAX_SESSIONS),
                min(written + int(p.written), MAX_SESSIONS),
            )
    return placed, [p.replaced for p in placed if p.replaced], totals


def placement_words(placed: Sequence[Placement]) -> str | None:
    """What adding itemized notes did to the check-ins of their days, in words (None: nothing)."""
    if len(placed) == 1:
        (p,) = placed
        kind = "written the same day" if p.written else "open"
        if p.replaced is not None:
            return (
                f"The check-in of {words.day(p.day, year=False)} already counted this session: the note takes "
                f"the place of one of that day's {kind} notes without details (#{p.replaced}), "
                "so the day's totals stay as logged."
            )
        if p.extra:
            return (
                f"The check-in of {words.day(p.day, year=False)} had no {kind} note without details left, so "
                "this is one session more than it listed; the check-in now counts it."
            )
        return None
    replaced = sum(1 for p in placed if p.replaced is not None)
    extra = sum(1 for p in placed if p.extra)
    parts = []
    if replaced:
        parts.append(
            f"{replaced} took the place of notes without details from your check-ins "
            "(their days' totals stay as logged)"
        )
    if extra:
        parts.append(f"{extra} are sessions more than their days' check-ins listed")
    if not parts:
        return None
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def result_lines(result: Mapping[str, Any], day: date) -> list[str]:
    """What a saved check-in did to the notes, in words: reconciled counts, the written time,
    and each late note's notation to paste."""
    lines = []
    already = result["already_written"]
    if already:
        more = len(result["cleared_ids"])
        lines.append(
            f"{plural(already, 'older note')} {agree(already, 'was', 'were')} already marked written "
            f"that day (done, or a catch-up block): counted in the cleared total, "
            + (f"{more} more cleared." if more else "none cleared twice.")
        )
    reopened = len(result["reopened_ids"])
    if reopened:
        lines.append(
            f"{plural(reopened, 'older note')} this check-in had cleared "
            f"{agree(reopened, 'is', 'are')} open again, to match the lower count."
        )
    if result["marked_written"]:
        at: datetime = result["written_at"]
        lines.append(
            f"Marked written at the end of {words.day(day, year=False)} ({at:%H:%M}), as the day is back-filled."
            if result["backfilled"]
            else f"Marked written now ({at:%H:%M})."
        )
    if result["notations"]:
        lines.append("Late entries: paste each notation at the top of its note in the record:")
        lines += [
            f"  {item_name(row['id'], row.get('client_ref'))}: {row['notation']}"
            for row in result["notations"]
        ]
    return lines
