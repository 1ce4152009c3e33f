"""`caughtup log`: the daily check-in in one line."""

from __future__ import annotations

from datetime import date

import click

from tracker import checkin, words
from tracker.cli.options import Bounded, DateType, emit_json, json_option, workspace
from tracker.errors import InputError
from tracker.models import DayLog
from tracker.summary import current_status, short_line
from tracker.words import plural
from tracker.workspace import Workspace


def _calendar_sessions(ws: Workspace, day: date) -> int:
    """The day's sessions from the calendar, synced first; a failed sync is said and the
    sessions already synced are used."""
    source = ws.settings.calendar.source
    if not source:
        raise InputError(
            "--sessions is needed: give the sessions held, or set calendar.source so the "
            "calendar gives them"
        )
    from tracker.calendar import apply

    try:
        apply.run(ws.store, ws.settings.calendar, source, ws.now(), ws.tz)
    except InputError as exc:
        apply.record_failure(ws.store, ws.now(), str(exc))
        click.echo(
            f"caughtup: calendar not synced ({exc}); using the sessions synced before", err=True
        )
    return ws.store.calendar_sessions_on(day)


@click.command()
@click.option("--date", "day", type=DateType(), help="Day to log (YYYY-MM-DD); default today.")
@click.option(
    "--sessions",
    type=Bounded(0, checkin.MAX_SESSIONS),
    help="Sessions held that day; with calendar.source set, the calendar's by default.",
)
@click.option(
    "--written",
    type=Bounded(0, checkin.MAX_SESSIONS),
    required=True,
    help="Notes for those sessions written the same day.",
)
@click.option(
    "--cleared",
    type=Bounded(0, checkin.MAX_CLEARED),
    default=0,
    show_default=True,
    help="Older backlog notes cleared that day.",
)
@click.option(
    "--after-hours",
    type=Bounded(0, checkin.MAX_AFTER_HOURS),
    default=0,
    show_default=True,
    help="Minutes of charting outside work hours.",
)
@click.option("--dread", type=Bounded(0, 4), help="Dread about notes today, 0 (none) to 4 (a lot).")
@click.option("--drained", type=Bounded(0, 4), help="Drained or detached in sessions, 0 to 4.")
@json_option
def log(
    day: object,
    sessions: int | None,
    written: int,
    cleared: int,
    after_hours: int,
    dread: int | None,
    drained: int | None,
    as_json: bool,
) -> None:
    """Log a day's check-in; logging the same day again corrects it."""
    ws = workspace()
    now = ws.now()
    logged_day = day if isinstance(day, date) else now.date()
    if sessions is None:
        sessions = _calendar_sessions(ws, logged_day)
    entry = DayLog(
        day=logged_day,
        sessions=sessions,
        written=written,
        cleared=cleared,
        after_hours=after_hours,
        dread=dread,
        drained=drained,
    )
    checkin.validate(entry, now.date())
    result = ws.store.log_day(entry, now, ws.settings.rules)
    st = current_status(ws)
    if as_json:
        emit_json(
            {
                "date": entry.day.isoformat(),
                **result,
                "written_at_kind": "end_of_day" if result["backfilled"] else "now",
                "status": st.to_json(),
            }
        )
        return
    open_today = sessions - written
    message = (
        f"Logged {words.day(entry.day, year=False)}: {plural(sessions, 'session')}, {written} written the same "
        "day"
    )
    if cleared:
        message += f", {cleared} backlog cleared"
    if after_hours:
        message += f", {after_hours} min after hours"
    click.echo(message + ".")
    other = None if day else checkin.night_other_day(now, ws.settings.night_until)
    if other is not None:
        click.echo(
            f"It is {now:%H:%M}, so this is {words.day(entry.day, year=False)}'s check-in; for "
            f"{words.day(other, year=False)}, log again with --date {other.isoformat()} (and clear this one "
            "with --sessions 0 --written 0)."
        )
    for line in checkin.result_lines(result, entry.day):
        click.echo(line)
    if sessions and open_today == 0:
        click.echo("Every note written the same day. That is the habit that keeps a backlog away.")
    elif written or cleared:
        done = written + cleared
        click.echo(f"{plural(done, 'note')} done is progress; {open_today} from today still open.")
    click.echo(short_line(st, ws.settings.rules))
