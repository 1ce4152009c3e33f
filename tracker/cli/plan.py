"""`caughtup plan` and `caughtup block done`: the catch-up sprint from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker import blocks, whatif, words
from tracker import sprint as sp
from tracker.cli.errors import input_words
from tracker.cli.items import late_options, late_reason
from tracker.cli.options import (
    ITEM_ID,
    Bounded,
    DateType,
    emit_json,
    json_option,
    output_path,
    workspace,
)
from tracker.errors import InputError
from tracker.planner import Plan, target_advice
from tracker.settings import STRATEGIES, Rules
from tracker.words import agree, day, item_name, plural
from tracker.workspace import Workspace

if TYPE_CHECKING:
    from tracker.calendar.freetime import Busy

MAX_SHOWN = 12


class DaysType(click.ParamType[list[str], Any]):
    """Weekdays as a comma-separated list: mon,thu."""

    name = "days"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[str]:
        if isinstance(value, list):
            return value
        try:
            return sp.parse_days(str(value))
        except InputError as exc:
            self.fail(input_words(exc))


class InflowType(click.ParamType[str, Any]):
    name = "N|recent"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return sp.parse_inflow(str(value))
        except InputError as exc:
            self.fail(input_words(exc))


def describe(result: sp.SprintPlan, rule_set: Rules) -> list[str]:
    """The plan in words, for the terminal."""
    plan: Plan = result.plan
    p = plan.params
    if result.outstanding == 0:
        return ["Nothing outstanding: no catch-up blocks needed. You are caught up."]
    size = (
        plural(p.notes_per_block, "note") + " a block"
        if p.notes_per_block
        else "notes sized by type"
    )
    lines = [
        f"Catch-up plan for {plural(result.outstanding, 'note')}: "
        f"{', '.join(d.capitalize() for d in p.days)} at {p.start_time:%H:%M}, "
        f"{p.block_minutes} minutes, {size}, {p.strategy} order, from {day(p.start)}",
        "",
    ]
    for b in plan.blocks[:MAX_SHOWN]:
        lines.append(f"  {words.day(b.date, year=False)} {b.start:%H:%M}  {b.goal}")
    if len(plan.blocks) > MAX_SHOWN:
        lines.append(f"  … and {plural(len(plan.blocks) - MAX_SHOWN, 'more block')}")
    lines.append("")
    if plan.finish_date is not None and plan.blocks:
        weeks = (plan.blocks[-1].date - plan.blocks[0].date).days // 7 + 1
        lines.append(
            f"Finish  {day(plan.finish_date)} "
            f"({plural(len(plan.blocks), 'block')} over {plural(weeks, 'week')})"
        )
    else:
        lines.append("Finish  none at this pace (see below)")
    if p.target is not None:
        if plan.meets_target:
            lines.append(f"Target  {day(p.target)}: met")
        else:
            advice = target_advice(plan.blocks_per_week_needed, plan.suggested_target)
            lines.append(f"Target  {day(p.target)}: not met; {advice}")
    premise, measured = words.premise(plan, result.inflow_source, rule_set)
    lines.append(f"Premise {premise}.")
    if measured is not None:
        lines.append(f"        {measured[0].upper()}{measured[1:]}.")
    for w in plan.warnings:
        lines.append(f"Note    {w.message}")
    for skipped in plan.skipped_days[:MAX_SHOWN]:
        lines.append(f"Skipped {skipped['words']}")
    return lines


def _calendar_busy(ws: Workspace, first: date) -> Busy | None:
    """The calendar's busy time ahead (`sprint.calendar_busy`); one that cannot be read is said."""
    busy, problem = sp.calendar_busy(ws.settings, ws.now(), first)
    if problem:
        click.echo(f"caughtup: {problem}", err=True)
    return busy


@click.command()
@click.option(
    "--blocks-per-week", type=Bounded(*sp.BLOCKS_PER_WEEK), help="Catch-up blocks a week (1 to 7)."
)
@click.option(
    "--block-minutes", type=Bounded(*sp.BLOCK_MINUTES), help="Length of a block in minutes."
)
@click.option("--days", type=DaysType(), help="Weekdays of the blocks, e.g. tue,thu.")
@click.option(
    "--notes-per-block",
    type=Bounded(*sp.NOTES_PER_BLOCK),
    help="A fixed note count per block (0: size blocks by minutes per note type).",
)
@click.option("--start", type=DateType(), help="First day of the plan (default today).")
@click.option("--target", type=DateType(), help="The date you want to be caught up by.")
@click.option("--no-target", is_flag=True, help="Drop a target chosen earlier.")
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    help="risk: triage order (default); recent: most recent first.",
)
@click.option(
    "--inflow",
    type=InflowType(),
    help="New notes a week expected to join the backlog, or 'recent' for your measured rate "
    "(default 0: new notes written within the rule's hours).",
)
@click.option(
    "--ics",
    type=click.Path(path_type=Path),
    help="Also write the blocks as calendar events to this .ics file.",
)
@click.option(
    "--new", is_flag=True, help="Start a new sprint instead of re-planning the current one."
)
@click.option("--preview", is_flag=True, help="Show the plan without saving it as the sprint.")
@click.option(
    "--what-if-sessions",
    "what_if",
    type=Bounded(-whatif.MAX_CHANGE, whatif.MAX_CHANGE),
    metavar="N",
    help="When would you be caught up with N more sessions a week (-2: two fewer)? From the "
    "measured rate of notes slipping past the rule; shows the plan without saving it.",
)
@json_option
def plan(
    blocks_per_week: int | None,
    block_minutes: int | None,
    days: list[str] | None,
    notes_per_block: int | None,
    start: date | None,
    target: date | None,
    no_target: bool,
    strategy: str | None,
    inflow: str | None,
    ics: Path | None,
    new: bool,
    preview: bool,
    what_if: int | None,
    as_json: bool,
) -> None:
    """Plan catch-up blocks for the outstanding notes, with a finish date; saves it as the sprint.

    Options you give are kept for the current sprint; the rest come from `caughtup config
    sprint.*`. Re-running re-plans the sprint from the notes outstanding now.
    """
    ws = workspace()
    now = ws.now()
    chosen = sp.Choices(
        days=days,
        blocks_per_week=blocks_per_week,
        block_minutes=block_minutes,
        notes_per_block=notes_per_block,
        start=start,
        target=target,
        strategy=strategy,
        inflow=inflow,
        no_target=no_target,
    )
    if target and no_target:
        raise InputError("give either --target or --no-target, not both")
    if ics is not None:
        output_path("--ics", ics, ws)
    busy = _calendar_busy(ws, max(now.date(), start or now.date()))
    if preview or what_if is not None:
        result = sp.build(ws.store, ws.settings, now, chosen, new=new, busy=busy)
    else:
        result = sp.plan_and_save(ws.store, ws.settings, now, chosen, new=new, busy=busy)
    data = result.to_json()
    what = None
    if what_if is not None:
        what = whatif.for_plan(ws.store, result.plan.params, ws.settings.rules, now, what_if)
        data["what_if"] = what.to_json()
    if ics is not None:
        from tracker import ics as calendar  # icalendar is imported there (~90 ms)

        uid = result.sprint.uid if result.sprint else "preview"
        revision = result.sprint.revision if result.sprint else 1
        dropped = [] if preview else sp.dropped_slots(ws.store, result, now)
        calendar.write(ics, result.plan.blocks, uid, revision, ws.tz, now, ws.home, dropped)
        if not preview:
            sp.remember_exported(ws.store, result, now)
        data["ics"] = {
            "path": str(ics),
            "events": len(result.plan.blocks),
            "cancelled": len(dropped),
        }
    if as_json:
        emit_json(data)
        return
    lines = describe(result, ws.settings.rules)
    if what is not None:
        lines += ["", *whatif.lines(what)]
    if ics is not None:
        cancelled = data["ics"]["cancelled"]
        lines.append(
            f"Wrote {plural(len(result.plan.blocks), 'event')} to {ics}"
            + (f", and {cancelled} cancelled for blocks no longer planned." if cancelled else ".")
        )
    if result.ended:
        lines.append("The sprint is complete. Well done.")
    elif result.saved:
        lines.append("Saved as your current sprint; `caughtup block done` logs a finished block.")
    click.echo("\n".join(lines))


@click.group()
def block() -> None:
    """Catch-up blocks of the current sprint."""


@block.command("done")
@click.argument("ids", nargs=-1, type=ITEM_ID)
@click.option(
    "--notes",
    type=Bounded(0, 200),
    help="Notes you wrote in the block (default: all of its notes), taken in triage order.",
)
@click.option(
    "--minutes", type=Bounded(1, 600), help="Minutes it took (default: the block length)."
)
@click.option(
    "--date",
    "day",
    type=DateType(),
    help="The planned day of the block you did (default: today's, else the one due).",
)
@late_options
@json_option
def done(
    ids: tuple[int, ...],
    notes: int | None,
    minutes: int | None,
    day: date | None,
    reason: str | None,
    no_reason: bool,
    from_memory: bool,
    as_json: bool,
) -> None:
    """Log a block as done: marks its notes written, learns your pace, re-plans.

    The block is the one planned today, else the latest one whose time has passed, else the next
    one; --date names another. Give IDS to name exactly which notes you wrote; otherwise --notes
    N marks N of the block's notes in triage order. Late ones get a late-entry notation.
    """
    if ids and notes is not None:
        raise InputError("give either item ids or --notes, not both")
    why = late_reason(reason, no_reason)
    ws = workspace()
    now = ws.now()
    result = blocks.log_block(
        ws.store,
        ws.settings,
        now,
        notes=notes,
        minutes=minutes,
        ids=ids,
        day=day,
        reason=why,
        from_memory=from_memory,
        busy=_calendar_busy(ws, now.date()),
    )
    data = result.to_json()
    if as_json:
        emit_json(data)
        return
    lines = [
        f"Block {blocks.block_name(result.block)} done: {plural(len(result.written), 'note')} "
        f"written in {plural(result.minutes, 'minute')}. {result.remaining} left. That is real "
        "progress."
    ]
    if result.pace:
        paces = ", ".join(f"{t} {m:.1f}" for t, m in sorted(result.pace.items()))
        lines.append(f"Your pace, minutes a note: {paces}.")
    late = data["notations"]
    if late:
        lines.append(
            f"{plural(len(late), 'note')} {agree(len(late), 'is a late entry', 'are late entries')}"
            f"; paste each notation at the top of its note (`{SHOW_COMMAND}` lists them again):"
        )
        lines += [
            f"  {item_name(row['id'], row['client_ref'])}: {row['notation']}"
            for row in late[:MAX_NOTATIONS]
        ]
        if len(late) > MAX_NOTATIONS:
            lines.append(f"  … and {len(late) - MAX_NOTATIONS} more")
    after = result.after
    if after.ended:
        lines.append("Nothing outstanding: the sprint is complete. You caught up.")
    else:
        lines.append("")
        lines += describe(after, ws.settings.rules)
    click.echo("\n".join(lines))


SHOW_COMMAND = "caughtup block show"
MAX_NOTATIONS = 5


@block.command("show")
@json_option
def show(as_json: bool) -> None:
    """List the current sprint's blocks: done ones with their notes' late-entry notations, then
    the planned ones, the due one marked. Reads only: changes nothing."""
    ws = workspace()
    listing = blocks.show_blocks(ws.store, ws.now())
    if as_json:
        emit_json(listing)
        return
    click.echo("\n".join(blocks.show_lines(listing)))
