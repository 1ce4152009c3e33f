"""`caughtup remind` (for cron or a systemd timer) and `caughtup notify-test`."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click

from tracker import notifier, words
from tracker.cli.options import emit_json, json_option, workspace
from tracker.errors import InputError
from tracker.paths import DB_NAME, REMIND_ERRORS
from tracker.records import Delivery

HOLD_WORDS = {"quiet_hours": "quiet hours", "weekend": "weekend"}
SET_URL_HINT = 'add one with `caughtup config notify.urls "ntfy://your-topic"`'


def command_path() -> str:
    """The installed `caughtup` command as a shell word (a timer needs an absolute path)."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "caughtup" and argv0.exists():
        return shlex.quote(str(argv0.resolve()))
    found = shutil.which("caughtup")
    if found:
        return shlex.quote(str(Path(found).resolve()))
    return f"{shlex.quote(sys.executable)} -m tracker"


def schedule_texts(home: Path) -> dict[str, str]:
    """A crontab line and a systemd user service + timer pair that run `remind` every 30 min.

    Both name the command by its absolute path and the data folder `home`: cron and systemd
    start with a bare environment, where the default folder may not be the one in use."""
    command = f"{command_path()} remind"
    folder = str(home.expanduser().absolute())
    cron_env = f"CAUGHTUP_HOME={shlex.quote(folder)} "
    unit_env = f'Environment="CAUGHTUP_HOME={folder}"\n'
    # cron mails output only where mail is set up: a failing run (a moved folder, bad settings)
    # leaves its one-line reason in the data folder instead, readable by its owner only.
    errors = shlex.quote(str(Path(folder) / REMIND_ERRORS))
    return {
        "command": command,
        "crontab": f"*/30 * * * * umask 077; {cron_env}{command} >/dev/null 2>>{errors}",
        "service": (
            "[Unit]\n"
            "Description=caughtup reminders (notes backlog, the rule, the threshold)\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{unit_env}"
            f"ExecStart={command}\n"
        ),
        "timer": (
            "[Unit]\n"
            "Description=Run caughtup reminders every 30 minutes\n\n"
            "[Timer]\n"
            "OnCalendar=*:0/30\n"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        ),
    }


def print_schedule(home: Path, as_json: bool) -> None:
    texts = schedule_texts(home)
    if as_json:
        emit_json(texts)
        return
    click.echo(
        "caughtup keeps quiet hours and weekends itself, so it can run every 30 minutes.\n\n"
        "Either add this line with `crontab -e`:\n\n"
        f"{texts['crontab']}\n\n"
        "or save these two files and run `systemctl --user enable --now caughtup-remind.timer`:\n\n"
        "# ~/.config/systemd/user/caughtup-remind.service\n"
        f"{texts['service']}\n"
        "# ~/.config/systemd/user/caughtup-remind.timer\n"
        f"{texts['timer']}"
    )


def delivery_line(d: Delivery) -> str:
    kinds = d.kind.replace(notifier.KIND_SEPARATOR, ", ")
    if d.ok:
        return f"  {d.target}  {kinds}: delivered"
    return f"  {d.target}  {kinds}: FAILED, {d.error}"


@click.command()
@click.option(
    "--schedule",
    is_flag=True,
    help="Print a crontab line and a systemd user timer that run `caughtup remind`.",
)
@json_option
def remind(schedule: bool, as_json: bool) -> None:
    """Send the reminders that are due (for cron or a systemd timer).

    Alerts: a court-involved or high-risk note past the rule (rules.rule_hours), notes past the
    rule, the threshold reached, the backlog's age tier worse, a catch-up block today, a blocked
    note to chase, a self-check due, the daily check-in (notify.checkin_at, when none is logged)
    and the weekly review (notify.weekly_review). Each is sent once, and again
    only when it gets worse; quiet hours and weekends hold them until the next allowed run. A failed
    delivery is recorded and retried on the next run and still exits 0; bad settings exit 2.
    With calendar.source set it syncs the calendar first; a failed sync is said once and never
    stops the reminders.
    """
    ws = workspace()
    if schedule:
        print_schedule(ws.home, as_json)
        return
    settings = ws.settings  # bad settings are said first: they are the likelier fix
    if not (ws.home / DB_NAME).is_file():
        # Under cron's bare environment a missing CAUGHTUP_HOME points at another folder: a new
        # empty database there would make every later run "nothing to send", silently.
        raise InputError(
            f"no caughtup database in {ws.home}; set CAUGHTUP_HOME to your data folder "
            "(`caughtup remind --schedule` prints a line that does)"
        )
    now = ws.now()
    synced = None
    with notifier.run_lock(ws.home) as mine:
        if not mine:
            report = notifier.Report(now, len(settings.notify.urls), [], [], None, None)
            report.busy = True
        else:
            if settings.calendar.source:  # the list current first; a failure never stops it
                from tracker.calendar.apply import sync_quietly

                synced = sync_quietly(ws.store, settings.calendar, now, ws.tz)
            report = notifier.remind(ws.store, settings, now)
    # This run got through: an error an earlier one left for the app to show is history now.
    (ws.home / REMIND_ERRORS).unlink(missing_ok=True)
    if as_json:
        emit_json({**report.to_json(), **({"calendar": synced} if synced else {})})
        return
    if synced:
        from tracker.calendar.apply import quiet_lines

        for line in quiet_lines(synced):
            click.echo(line)
    for line in report_lines(report):
        click.echo(line)


def report_lines(report: notifier.Report) -> list[str]:
    if report.busy:
        return ["Another `caughtup remind` is running; this one sent nothing."]
    titles = [a.title for a in report.due]
    if not report.urls:
        lines = [f"No notification URLs set; {SET_URL_HINT}."]
        if titles:
            lines.append("Would send: " + "; ".join(titles) + ".")
        return lines
    if report.hold_reason and report.due:
        until = f" until {words.moment(report.held_until)}" if report.held_until else ""
        return [
            f"Held back{until} ({HOLD_WORDS[report.hold_reason]}): " + "; ".join(titles) + ".",
        ]
    if not report.deliveries:
        if report.active:
            return [f"Nothing new to send; already sent: {', '.join(report.active)}."]
        return ["Nothing to send: no alert holds right now."]
    ok = sum(d.ok for d in report.deliveries)
    lines = [f"Sent {ok} of {len(report.deliveries)} messages."]
    lines += [delivery_line(d) for d in report.deliveries]
    if ok < len(report.deliveries):
        lines.append("Failed messages are retried on the next run.")
    return lines


@click.command(name="notify-test")
@json_option
def notify_test(as_json: bool) -> None:
    """Send one test message to each notification URL and say whether each one worked.

    Exits 1 when any URL failed, 2 when no URL is set.
    """
    ws = workspace()
    urls = ws.settings.notify.urls
    if not urls:
        raise InputError(f"no notification URLs set; {SET_URL_HINT}")
    results = notifier.send_test(ws.store, urls, ws.now())
    if as_json:
        emit_json({"results": [notifier.delivery_json(d) for d in results]})
    else:
        for d in results:
            if d.ok:
                click.echo(f"{d.target}  worked: the test message was delivered.")
            else:
                click.echo(f"{d.target}  FAILED: {d.error}")
    if not all(d.ok for d in results):
        sys.exit(1)
