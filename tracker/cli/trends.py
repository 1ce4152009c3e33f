"""`caughtup trends`: weekly charts in the terminal, or the weekly rows as JSON or CSV."""

from __future__ import annotations

import csv
import os
import shutil
import sys
import textwrap

import click

from tracker import trends
from tracker.cli.options import Bounded, emit_json, json_option, workspace
from tracker.errors import InputError


@click.command()
@click.option(
    "--weeks",
    type=Bounded(1, trends.MAX_WEEKS),
    default=12,
    show_default=True,
    help="How many weeks to show, ending with this one.",
)
@click.option(
    "--chart",
    "chart_name",
    metavar="NAME",
    help="Only this chart: backlog, within, after_hours, wellbeing, or burndown while a "
    "catch-up sprint runs (default: all).",
)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the weekly rows as CSV.")
def trends_command(weeks: int, chart_name: str | None, as_json: bool, as_csv: bool) -> None:
    """Weekly trends: the backlog against the threshold, the share written within the rule,
    after-hours minutes, dread and drained beside the backlog, and the sprint burndown.

    A week with no check-ins is a gap, not a zero; the week under way is starred.
    """
    from tracker import charts

    if chart_name is not None and chart_name not in charts.CHARTS:
        raise InputError(f"--chart must be one of {', '.join(charts.CHARTS)}, got {chart_name!r}")
    if as_json and as_csv:
        raise InputError("--json and --csv print the same rows; choose one")
    ws = workspace()
    now = ws.now()
    burndown = trends.current_burndown(ws.store, now)
    if chart_name == charts.SPRINT_ONLY and burndown is None:
        raise InputError(
            "no catch-up sprint is running, so there is no burndown; `caughtup plan` starts one"
        )
    rows = trends.weekly(ws.store, ws.settings, now, weeks)
    if as_json:
        from tracker import habit  # only the JSON carries the habit's strength

        history = habit.current(ws.store, ws.settings, now, 1).history
        strengths = habit.weekly_strength(history, [row.week_start for row in rows])
        emit_json(
            {
                "weeks": [
                    {**row.to_json(), "strength": strength}
                    for row, strength in zip(rows, strengths, strict=True)
                ],
                "first_weekday": ws.settings.first_weekday,
                "rule_hours": ws.settings.rules.rule_hours,
                "threshold": ws.settings.rules.threshold,
                "sprint": burndown.to_json() if burndown else None,
            }
        )
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(trends.COLUMNS)
        for row in rows:
            writer.writerow(_cell(value) for value in row.to_json().values())
        return
    size = shutil.get_terminal_size((80, 24))
    width, height = max(40, size.columns), max(12, min(size.lines - 3, 20))
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    empty = charts.nothing_yet(rows)
    if empty and burndown is None:
        click.echo(textwrap.fill(empty, width))
        return
    names = [chart_name] if chart_name else list(charts.CHARTS)
    out = []
    for name in names:
        if name == charts.SPRINT_ONLY:
            if burndown is None:
                continue
            line = charts.burndown_words(burndown)
        else:
            line = charts.words(name, rows, ws.settings)
        out.append(
            charts.render(name, rows, ws.settings, width, height, colour=colour, burndown=burndown)
        )
        out.append(textwrap.fill(line, width) + "\n")
    click.echo("\n".join(out))


def _cell(value: object) -> object:
    """A CSV cell: empty for a gap, true/false as in the JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
