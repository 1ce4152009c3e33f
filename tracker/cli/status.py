"""`caughtup status`: the at-a-glance summary. The read path: plain sqlite3, nothing heavy.

`tracker.cli.main` answers the usual forms without click; this command serves the rest (help,
in-process runs) and prints the same text.
"""

from __future__ import annotations

import click

from tracker.cli.options import json_option, workspace
from tracker.cli.output import status_output


@click.command()
@json_option
@click.option("--short", is_flag=True, help="One line, for a shell prompt or tmux status bar.")
def status(as_json: bool, short: bool) -> None:
    """Show outstanding notes against the threshold, notes past the rule, the backlog's age and
    the note to write first."""
    click.echo(status_output(workspace(), as_json=as_json, short=short))
