"""`caughtup backlog`: the notes you owe, in the order to write them."""

from __future__ import annotations

from pathlib import Path

import click

from tracker import backlog as backlog_mod
from tracker import handoff, rules
from tracker.cli.items import NoteTypeType
from tracker.cli.options import Bounded, emit_json, json_option, output_path, workspace
from tracker.files import write_output


def _line(row: backlog_mod.Row) -> str:
    marks = ", ".join(row.marks)
    return (
        f"{row.item.id:>5}  P{row.tier}  {row.item.note_type:<14} {backlog_mod.session_text(row.item):<16} "
        f"{row.age_days:>3}d  {backlog_mod.due_text(row.due):<16}  {row.item.client_ref or '':<8}  "
        f"{marks}"
    ).rstrip()


def human_lines(
    log: backlog_mod.Backlog, by_type: bool, filtered: bool, owner: str | None = None
) -> list[str]:
    counts = " · ".join(f"P{t} {n}" for t, n in log.tier_counts.items())
    lines = [f"Outstanding {log.outstanding}: {counts} · blocked {log.blocked_count}"]
    tier = rules.backlog_tier(log.oldest_age_days)
    if tier is not None:
        lines.append(
            f"Oldest {log.oldest_age_days}d, backlog {rules.TIER_LABELS[tier]}: "
            f"{rules.TIER_GOALS[tier]}"
        )
    lines.append("")
    if owner == "others":
        return lines + handoff_lines(log.blocked)
    if log.rows:
        lines.append(
            f"{'ID':>5}  P   {'Type':<14} {'Session':<16} {'Age':>4}  {'Due':<16}  {'Client':<8}  Marks"
        )
        current = None
        for row in log.rows:
            if by_type and row.item.note_type != current:
                current = row.item.note_type
                count = sum(1 for r in log.rows if r.item.note_type == current)
                lines.append(f"-- {current} ({count})")
            lines.append(_line(row))
    elif filtered:
        lines.append("No outstanding notes match these filters.")
    else:
        lines.append("Nothing outstanding: you are caught up.")
    if log.blocked:
        lines += ["", f"Waiting on others ({len(log.blocked)})"]
        lines += [_blocked_line(row) for row in log.blocked]
    return lines


def _blocked_line(row: backlog_mod.Row) -> str:
    chase = "  chase it" if row.chase else ""
    return (
        f"{row.item.id:>5}  P{row.tier}  {row.item.note_type:<14} "
        f"on {row.item.blocked_on:<13} {row.age_days:>3}d old, "
        f"waiting {row.waiting_days}d{chase}  {row.item.client_ref or ''}"
    ).rstrip()


def handoff_lines(blocked: list[backlog_mod.Row]) -> list[str]:
    """What waits on others, one group per who acts: a list to pass on."""
    if not blocked:
        return ["Nothing waits on anyone else."]
    lines = []
    for reason, rows in handoff.groups(blocked):
        lines += [f"-- {handoff.who(reason)} ({len(rows)})"] + [_blocked_line(r) for r in rows]
    return lines


@click.command()
@click.option(
    "--tier",
    "tiers",
    type=Bounded(1, 5),
    multiple=True,
    help="Only triage tier 1-5 (P1 court/legal ... P5 admin); repeat for several.",
)
@click.option("--type", "note_type", type=NoteTypeType(), help="Only this note type.")
@click.option(
    "--client",
    metavar="REF",
    help="Only this client's notes: case ignored; REF also finds references starting with it "
    "when none is exactly REF (JD finds JD2).",
)
@click.option("--by-type", is_flag=True, help="Group by note type, to write in one mental mode.")
@click.option(
    "--owner",
    type=click.Choice(handoff.OWNERS),
    help="Only yours to act on (me: notes to write, coding queries) or others' (results, "
    "referrals/authorizations, documentation gaps), grouped by who acts.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    help="Also write the list to this CSV file for a hand-off: the one export WITH client "
    "references, owner-only.",
)
@json_option
def backlog(
    tiers: tuple[int, ...],
    note_type: str | None,
    client: str | None,
    by_type: bool,
    owner: str | None,
    csv_path: Path | None,
    as_json: bool,
) -> None:
    """List open notes in triage order with age, due time and marks; blocked ones apart.

    Order: P1 court/legal, P2 billed, P3 high-risk, P4 routine, P5 admin; inside a tier as the
    setting rules.within_tier says. Marks: past due (the rule's hours), payer window closed, late
    entry (would need a notation if written now), chase it (blocked past the escalation age).
    """
    ws = workspace()
    if csv_path is not None:
        output_path("--csv", csv_path, ws)
    log = backlog_mod.build(
        ws.store.items(open_only=True),
        ws.settings,
        ws.now(),
        tiers=set(tiers),
        note_type=note_type,
        by_type=by_type,
        client=client,
        owner=owner,
    )
    if owner == "others":  # one run per who acts, to pass on
        log.blocked = handoff.by_who(log.blocked)
    if csv_path is not None:
        write_output(csv_path, handoff.csv_text(log.rows + log.blocked).encode(), ws.home)
        click.echo(f"Wrote {csv_path} (only you can read it); {handoff.NOTICE}.", err=True)
    if as_json:
        data = log.to_json()
        if owner == "others":
            data["groups"] = [
                {"blocked_on": reason, "who": handoff.who(reason), "ids": [r.item.id for r in rows]}
                for reason, rows in handoff.groups(log.blocked)
            ]
        emit_json(data)
    else:
        filtered = bool(tiers or note_type or client or owner)
        click.echo("\n".join(human_lines(log, by_type, filtered, owner)))
