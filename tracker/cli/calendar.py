"""`caughtup calendar import FILE` and `caughtup calendar sync`: sessions from your calendar."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.options import emit_json, json_option, workspace
from tracker.errors import InputError

NO_SOURCE = (
    "no calendar source is set; set one with `caughtup config calendar.source PATH-OR-URL` "
    "(an .ics file or a private https/webcal feed address)"
)


@click.group()
def calendar() -> None:
    """Sessions from the calendar you already keep (.ics file or private feed).

    Only times, lengths, the note type and CPT code derived from them, a client reference when
    your own pattern (calendar.client_ref) extracts one, and a hash of each event's id are
    stored: never titles, descriptions, locations or attendees.
    """


def _run(source: str, *, preview: bool, as_json: bool) -> None:
    from tracker.calendar import apply

    ws = workspace()
    outcome = apply.run(ws.store, ws.settings.calendar, source, ws.now(), ws.tz, preview=preview)
    if as_json:
        emit_json(outcome.to_json())
    else:
        click.echo("\n".join(outcome.lines()))


@calendar.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--preview", is_flag=True, help="Show what would be taken and skipped; change nothing."
)
@json_option
def import_(file: Path, preview: bool, as_json: bool) -> None:
    """Read past sessions from FILE.ics (calendar.since days back) into note items.

    Importing the same file again adds nothing; a moved or cancelled session moves or removes
    its open note; written or edited notes are never changed.
    """
    _run(str(file), preview=preview, as_json=as_json)


@calendar.command("sync")
@click.option("--preview", is_flag=True, help="Show what would change; change nothing.")
@json_option
def sync(preview: bool, as_json: bool) -> None:
    """Sync past sessions from calendar.source (a file, or a feed fetched with a short timeout).

    The feed address is the only network use besides notification URLs. `caughtup remind`
    syncs first by itself when a source is set.
    """
    source = workspace().settings.calendar.source
    if not source:
        raise InputError(NO_SOURCE)
    _run(source, preview=preview, as_json=as_json)
