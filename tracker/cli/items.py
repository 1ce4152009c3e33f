"""`caughtup add` and `caughtup done`: itemized notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

import click

from tracker import checkin, entries, rules
from tracker import settings as settings_mod
from tracker.backlog import due_text
from tracker.cli.options import (
    ITEM_ID,
    DateTimeType,
    DateType,
    F,
    TimeType,
    emit_json,
    json_option,
    localize,
    workspace,
)
from tracker.errors import InputError
from tracker.models import Item
from tracker.settings import BLOCKERS
from tracker.words import item_name, plural


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
    (placed,) = ws.store.add_notes([item], now)
    item_id = placed.id
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
                "replaced_anonymous": placed.replaced,
                "extra_session": placed.extra,
            }
        )
    else:
        click.echo(f"{item_id}  {rules.TRIAGE_LABELS[tier]} {note_type}, due {due_text(deadline)}")
        words = checkin.placement_words([placed])
        if words:
            click.echo(words)


def late_options(func: F) -> F:
    """--reason, --no-reason and --from-memory: what a late-entry notation says besides the dates."""
    func = click.option(
        "--from-memory",
        is_flag=True,
        help="For a high-risk (P3) note written late: say it was reconstructed from memory.",
    )(func)
    func = click.option(
        "--no-reason", is_flag=True, help="Give no reason in a late-entry notation."
    )(func)
    return click.option(
        "--reason",
        help="Why a late note was delayed, for its notation (default: rules.late_entry_reason).",
    )(func)


def late_reason(reason: str | None, no_reason: bool) -> str | None:
    """The reason a notation gives: the one typed, none, or (None) the setting's."""
    if reason is not None and no_reason:
        raise InputError("give --reason or --no-reason, not both")
    if no_reason:
        return ""
    if reason is not None:
        problem = settings_mod.check_reason(reason.strip()) if reason.strip() else "some text"
        if problem:
            raise InputError(f"--reason must be {problem}, got {reason[:40]!r}")
        return reason.strip()
    return None


def check_from_memory(items: Sequence[Item], from_memory: bool) -> None:
    """--from-memory is for high-risk notes: an error when none of `items` is one."""
    if from_memory and not any(i.high_risk for i in items):
        ids = " ".join(str(i.id) for i in items)
        raise InputError(
            f"--from-memory is for high-risk (P3) notes, and none of {ids} is one; leave it out"
        )


def notations_json(finished: Sequence[Item]) -> list[dict[str, Any]]:
    """The `notations` of a command's JSON: each late note's id and notation."""
    return [
        {"id": i.id, "notation": i.notation, "client_ref": i.client_ref}
        for i in finished
        if i.notation
    ]


@click.command()
@click.argument("ids", nargs=-1, type=ITEM_ID, required=True)
@click.option("--at", type=DateTimeType(), help="When the note was written (default now).")
@late_options
@json_option
def done(
    ids: tuple[int, ...],
    at: datetime | None,
    reason: str | None,
    no_reason: bool,
    from_memory: bool,
    as_json: bool,
) -> None:
    """Mark notes written; prints a late-entry notation for any written late, and keeps it."""
    ws = workspace()
    now = ws.now()
    moment = localize(at, ws) if at else now
    why = late_reason(reason, no_reason)
    if moment > now:
        raise InputError(
            f"--at {moment:%Y-%m-%d %H:%M} is in the future; give the time the note was written"
        )
    if len(set(ids)) != len(ids):
        raise InputError(f"item ids repeat in {' '.join(map(str, ids))}; give each id once")
    with ws.store.transaction():  # checked as they are when written
        items = [ws.store.item(item_id) for item_id in ids]
        for item in items:
            if moment < rules.session_moment(item, ws.tz) and item.session_time is not None:
                raise InputError(
                    f"--at {moment:%Y-%m-%d %H:%M} is before item {item.id}'s session; "
                    "check the date"
                )
        check_from_memory(items, from_memory)
        r = ws.settings.rules

        def notate(item: Item) -> str | None:
            return rules.late_notations([item], moment, r, ws.tz, why, from_memory).get(
                item.id or 0
            )

        finished = ws.store.mark_done(list(ids), moment, notate)
    if as_json:
        out = [
            {
                "id": item.id,
                "late_entry": item.notation is not None,
                "notation": item.notation,
                "client_ref": item.client_ref,
            }
            for item in finished
        ]
        emit_json({"items": out, "notations": notations_json(finished)})
        return
    for item in finished:
        click.echo(f"{item_name(item.id, item.client_ref)}  written")
        if item.notation:
            click.echo(f"    late entry, paste into the record:\n    {item.notation}")
    click.echo(f"{plural(len(finished), 'note')} done. Each one is progress.")


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
