"""`caughtup status`: the at-a-glance summary. The read path: plain sqlite3, nothing heavy."""

from __future__ import annotations

import click

from tracker.commands.common import emit_json, json_option, workspace
from tracker.summary import current_status, human_lines, short_line


@click.command()
@json_option
@click.option("--short", is_flag=True, help="One line, for a shell prompt or tmux status bar.")
def status(as_json: bool, short: bool) -> None:
    """Show outstanding notes against the threshold, 24-hour breaches and the backlog's age."""
    ws = workspace()
    st = current_status(ws)
    if as_json:
        emit_json(st.to_json())
    elif short:
        click.echo(short_line(st))
    else:
        click.echo("\n".join(human_lines(st, ws.settings.rules.rule_hours)))
