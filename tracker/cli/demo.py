"""`caughtup demo`: the app on a realistic sample, in a folder of its own."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.options import emit_json, json_option
from tracker.cli.tui import open_app
from tracker.errors import InputError


@click.command()
@click.option(
    "--into",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the sample into this new folder and stop, instead of opening it "
    "(then: CAUGHTUP_HOME=FOLDER caughtup).",
)
@json_option
def demo(into: Path | None, as_json: bool) -> None:
    """Explore caughtup on sample data: a clinician three weeks behind.

    Without --into, the sample lives in a temporary folder that is deleted when you quit.
    Your own data is never read or changed.
    """
    if into is None:
        if as_json:
            raise InputError("--json needs --into FOLDER (the demo app itself prints nothing)")
        open_app(demo=True)
        return
    from tracker import demo as sample

    built = sample.build(into.expanduser())
    if as_json:
        emit_json(built.to_json())
    else:
        click.echo(
            f"Demo data in {built.home}: {built.days} check-ins, {built.items} notes, "
            f"{built.open} still open.\nExplore it with: CAUGHTUP_HOME={built.home} caughtup"
        )
