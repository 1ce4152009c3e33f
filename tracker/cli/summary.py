"""`caughtup summary`: the workload figures, and a one-page counts-only summary to share."""

from __future__ import annotations

from pathlib import Path

import click

from tracker import workload_report as page
from tracker.cli.options import Bounded, emit_json, json_option, output_path, workspace
from tracker.pdf import paper_for
from tracker.workload import MAX_WEEKS


@click.command()
@click.option(
    "--weeks",
    type=Bounded(1, MAX_WEEKS),
    help="How many weeks the figures cover, ending with this one (default: the setting "
    "workload.weeks, 12).",
)
@click.option("--pdf", "pdf", type=click.Path(path_type=Path), help="Also print it to this PDF.")
@click.option("--md", "md", type=click.Path(path_type=Path), help="Also write it as Markdown.")
@json_option
def summary(weeks: int | None, pdf: Path | None, md: Path | None, as_json: bool) -> None:
    """The workload: after-hours charting per 8 scheduled hours, notes written within the rule,
    minutes per note, billing lag, what the open list waits on, and notes arriving against notes
    written, with the finish date they give.

    Counts and rates only, never a client reference or a self-check answer: a page to take to a
    supervisor or a colleague. A figure without enough data says so instead of a number.
    """
    ws = workspace()
    for flag, path in (("--pdf", pdf), ("--md", md)):
        if path is not None:
            output_path(flag, path, ws)
    now = ws.now()
    figures, finish = page.gather(ws.store, ws.settings, now, weeks or ws.settings.workload.weeks)
    threshold = ws.settings.rules.threshold
    shown = page.build(figures, threshold, finish)
    written = []
    if pdf is not None:
        written.append(page.write_pdf(pdf, shown, ws.home, now, paper_for(ws)))
    if md is not None:
        written.append(page.write_markdown(md, shown, ws.home))
    if as_json:
        emit_json(page.to_json(figures, threshold, finish))
        return
    lines = page.lines(shown)
    lines += [f"Wrote {path} (only you can read it)." for path in written]
    click.echo("\n".join(lines))
