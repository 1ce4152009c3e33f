"""`caughtup add` and `caughtup done`: itemized notes."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import click

from tracker import rules
from tracker.commands.common import (
    DateTimeType,
    DateType,
    TimeType,
    emit_json,
    json_option,
    localize,
    workspace,
)
from tracker.errors import InputError
from tracker.models import Item, check_client_ref
from tracker.settings import BLOCKERS


class NoteTypeType(click.ParamType[str, Any]):
    """A note type from the user's settings (they may add their own)."""

    name = "type"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        types = workspace().settings.rules.note_types
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        if text not in types:
            self.fail(
                f"--type must be one of {', '.join(types)}, got {value!r} "
                "(add your own with `caughtup config rules.note_types ...`)"
            )
        return text


@click.command()
@click.option("--date", "day", type=DateType(), required=True, help="Session date (YYYY-MM-DD).")
@click.option(
    "--time",
    "at",
    type=TimeType(),
    help="Session start (HH:MM); without it the note is due by the end of the next day.",
)
@click.option(
    "--type",
    "note_type",
    type=NoteTypeType(),
    default="progress",
    show_default=True,
    help="Note type.",
)
@click.option("--client", help="A short pseudonym (like C7); never a name.")
@click.option(
    "--billed", is_flag=True, help="A claim was submitted and the note does not exist yet."
)
@click.option("--court", is_flag=True, help="Court-involved or legally sensitive.")
@click.option(
    "--high-risk", is_flag=True, help="Suicidal ideation, self-harm or crisis in that session."
)
@click.option("--admin", is_flag=True, help="Internal, not billed, no legal exposure.")
@click.option("--blocked-on", type=click.Choice(BLOCKERS), help="Waiting on someone else.")
@json_option
def add(
    day: date,
    at: time | None,
    note_type: str,
    client: str | None,
    billed: bool,
    court: bool,
    high_risk: bool,
    admin: bool,
    blocked_on: str | None,
    as_json: bool,
) -> None:
    """Add one note you owe; prints its id."""
    ws = workspace()
    now = ws.now()
    if day > now.date():
        raise InputError(
            f"--date {day.isoformat()} is in the future; notes are owed for sessions already held"
        )
    ref, warning = check_client_ref(client)
    item = Item(
        id=None,
        session_date=day,
        session_time=at,
        note_type=note_type,
        client_ref=ref,
        billed=billed,
        court=court,
        high_risk=high_risk,
        admin=admin,
        blocked_on=blocked_on,
        blocked_since=now if blocked_on else None,
    )
    (item_id,) = ws.store.add_items([item], now)
    if warning:
        click.echo(f"caughtup: warning: {warning}", err=True)
    deadline = rules.due(item, ws.settings.rules, ws.tz)
    tier = rules.triage_tier(item)
    if as_json:
        emit_json(
            {
                "id": item_id,
                "tier": tier,
                "due": deadline.isoformat(timespec="minutes"),
                "breach": rules.breached(item, ws.settings.rules, ws.tz, now),
            }
        )
    else:
        click.echo(
            f"{item_id}  {rules.TRIAGE_LABELS[tier]} {note_type}, due {deadline:%a %d %b %H:%M}"
        )


@click.command()
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--at", type=DateTimeType(), help="When the note was written (default now).")
@json_option
def done(ids: tuple[int, ...], at: datetime | None, as_json: bool) -> None:
    """Mark notes written; prints a late-entry notation for any written late."""
    ws = workspace()
    now = ws.now()
    moment = localize(at, ws) if at else now
    if moment > now:
        raise InputError(
            f"--at {moment:%Y-%m-%d %H:%M} is in the future; give the time the note was written"
        )
    if len(set(ids)) != len(ids):
        raise InputError(f"item ids repeat in {' '.join(map(str, ids))}; give each id once")
    for item_id in ids:
        item = ws.store.item(item_id)
        if moment < rules.session_moment(item, ws.tz) and item.session_time is not None:
            raise InputError(
                f"--at {moment:%Y-%m-%d %H:%M} is before item {item_id}'s session; check the date"
            )
    finished = ws.store.mark_done(list(ids), moment)
    out = []
    for item in finished:
        late = rules.is_late_entry(item, moment, ws.settings.rules, ws.tz)
        out.append(
            {
                "id": item.id,
                "late_entry": late,
                "notation": rules.late_entry_notation(item, moment, ws.settings.rules)
                if late
                else None,
            }
        )
    if as_json:
        emit_json({"items": out})
        return
    for row in out:
        click.echo(f"{row['id']}  written")
        if row["notation"]:
            click.echo(f"    late entry, paste into the record:\n    {row['notation']}")
    click.echo(f"{len(out)} note{'s' if len(out) != 1 else ''} done. Each one is progress.")
