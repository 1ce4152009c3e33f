"""`caughtup add` and `caughtup done`: itemized notes."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import click

from tracker import entries, rules
from tracker.backlog import due_text
from tracker.commands.common import (
    ITEM_ID,
    DateTimeType,
    DateType,
    TimeType,
    emit_json,
    json_option,
    localize,
    workspace,
)
from tracker.errors import InputError
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
    item, warning = entries.new_item(
        ws.settings,
        now,
        day,
        at,
        note_type=note_type,
        client_ref=client,
        billed=billed,
        court=court,
        high_risk=high_risk,
        admin=admin,
        blocked_on=blocked_on,
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
        click.echo(f"{item_id}  {rules.TRIAGE_LABELS[tier]} {note_type}, due {due_text(deadline)}")


@click.command()
@click.argument("ids", nargs=-1, type=ITEM_ID, required=True)
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
    with ws.store.transaction():  # checked as they are when written
        for item_id in ids:
            item = ws.store.item(item_id)
            if moment < rules.session_moment(item, ws.tz) and item.session_time is not None:
                raise InputError(
                    f"--at {moment:%Y-%m-%d %H:%M} is before item {item_id}'s session; "
                    "check the date"
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


class BlockerType(click.ParamType[str, Any]):
    """A blocker, or `none` to unblock."""

    name = "|".join((*BLOCKERS, "none"))

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value).strip().lower().replace("-", "_")
        if text not in (*BLOCKERS, "none"):
            self.fail(f"--blocked-on must be one of {', '.join(BLOCKERS)} or none, got {value!r}")
        return text


@click.command()
@click.argument("item_id", metavar="ID", type=ITEM_ID)
@click.option("--date", "day", type=DateType(), help="Session date (YYYY-MM-DD).")
@click.option("--time", "at", type=TimeType(), help="Session start (HH:MM).")
@click.option(
    "--no-time", is_flag=True, help="Forget the start time (due by the end of the next day)."
)
@click.option("--type", "note_type", type=NoteTypeType(), help="Note type.")
@click.option("--client", help="A short pseudonym (like C7); never a name.")
@click.option("--no-client", is_flag=True, help="Remove the client reference.")
@click.option("--billed/--no-billed", default=None, help="A claim was submitted (or not).")
@click.option(
    "--court/--no-court", default=None, help="Court-involved or legally sensitive (or not)."
)
@click.option("--high-risk/--no-high-risk", default=None, help="A high-risk session (or not).")
@click.option("--admin/--no-admin", default=None, help="Internal, not billed (or not).")
@click.option(
    "--blocked-on",
    type=BlockerType(),
    help="Waiting on someone else; `none` unblocks. Either restarts the wait clock.",
)
@json_option
def edit(
    item_id: int,
    day: date | None,
    at: time | None,
    no_time: bool,
    note_type: str | None,
    client: str | None,
    no_client: bool,
    billed: bool | None,
    court: bool | None,
    high_risk: bool | None,
    admin: bool | None,
    blocked_on: str | None,
    as_json: bool,
) -> None:
    """Change a note item: its date, time, type, client reference, flags or blocker."""
    if at is not None and no_time:
        raise InputError("give --time or --no-time, not both")
    if client is not None and no_client:
        raise InputError("give --client or --no-client, not both")
    changes: dict[str, Any] = {}
    if day is not None:
        changes["session_date"] = day
    if at is not None or no_time:
        changes["session_time"] = at
    if note_type is not None:
        changes["note_type"] = note_type
    if client is not None or no_client:
        changes["client_ref"] = client
    flags = {"billed": billed, "court": court, "high_risk": high_risk, "admin": admin}
    changes.update({name: value for name, value in flags.items() if value is not None})
    if blocked_on is not None:
        changes["blocked_on"] = None if blocked_on == "none" else blocked_on
    if not changes:
        raise InputError(
            "nothing to change; give an option such as --type intake, --no-billed or "
            "--blocked-on none (see `caughtup edit --help`)"
        )
    ws = workspace()
    now = ws.now()
    item, changed, warning = entries.save_edit(ws.store, item_id, changes, ws.settings, now)
    if warning:
        click.echo(f"caughtup: warning: {warning}", err=True)
    r = ws.settings.rules
    deadline = rules.due(item, r, ws.tz)
    tier = rules.triage_tier(item)
    if as_json:
        emit_json(
            {
                "id": item.id,
                "changed": changed,
                "tier": tier,
                "note_type": item.note_type,
                "session_date": item.session_date.isoformat(),
                "due": deadline.isoformat(timespec="minutes"),
                "breach": rules.breached(item, r, ws.tz, now),
                "blocked_on": item.blocked_on,
            }
        )
        return
    what = ", ".join(name.replace("_", " ") for name in changed) or "nothing (already so)"
    click.echo(f"{item.id}  changed {what}")
    blocked = f", waiting on {item.blocked_on}" if item.blocked_on else ""
    click.echo(
        f"    {rules.TRIAGE_LABELS[tier]} {item.note_type}, due {due_text(deadline)}{blocked}"
    )
