"""`caughtup habit`: the same-day habit's streaks and strength, and its calendar heatmap."""

from __future__ import annotations

import os
import sys

import click

from tracker import habit
from tracker.cli.options import Bounded, emit_json, json_option, workspace
from tracker.trends import MAX_WEEKS


@click.command(name="habit")
@click.option(
    "--weeks",
    type=Bounded(1, MAX_WEEKS),
    default=52,
    show_default=True,
    help="How many weeks the heatmap (and the JSON's days) cover, ending with this one.",
)
@json_option
def habit_command(weeks: int, as_json: bool) -> None:
    """The same-day habit: every session's note written within the rule (rules.rule_hours).

    A working day (one with sessions) is kept when all its notes were written within the rule,
    missed when not, and pending while a note is still in time; days without sessions are
    skipped and neither keep nor break a streak. Strength (0 to 100) is Loop Habit Tracker's
    habit score over working days: a few misses after a long run lower it a little, never to
    zero. The heatmap has a row per weekday (Mon to Sun) and a column per week; each mark reads
    without colour.
    """
    ws = workspace()
    now = ws.now()
    figures = habit.current(ws.store, ws.settings, now, weeks)
    if as_json:
        emit_json(figures.to_json())
        return
    import shutil  # the terminal's width: not for --json (shutil costs ~2 ms to import)

    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = max(40, shutil.get_terminal_size((80, 24)).columns)
    click.echo(habit.summary_line(figures))
    click.echo()
    for line in lines(figures, width, colour):
        click.echo(line)


def lines(figures: habit.Habit, width: int, colour: bool) -> list[str]:
    """The heatmap in blocks of as many weeks as the width holds, oldest first."""
    per_block = max(1, width - habit.LABEL - 3)  # room for a month name over the last week
    days = figures.days
    out: list[str] = []
    for first in range(0, len(days), per_block * 7):
        part = days[first : first + per_block * 7]
        last = first + per_block * 7 >= len(days)
        hm = habit.heatmap(part, part[-1].day, figures.rule_hours, legend=last)
        if out:
            out.append("")
        if colour:
            out += habit.styled(hm, lambda text, style: click.style(text, fg=habit.COLOURS[style]))
        else:
            out += hm.lines
    return out
