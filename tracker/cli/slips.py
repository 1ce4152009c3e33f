"""`caughtup delete` and `caughtup reopen`: undoing a slip from the command line."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import click

from tracker import undo
from tracker.backlog import session_text
from tracker.cli.options import ITEM_ID, emit_json, json_option, workspace
from tracker.models import Item
from tracker.store import Store
from tracker.words import plural


def _run(
    action: Callable[[Store, Sequence[int]], undo.Change],
    ids: tuple[int, ...],
    key: str,
    word: str,
    as_json: bool,
) -> None:
    change = action(workspace().store, list(ids))
    if as_json:
        emit_json({key: list(ids)})
        return
    for item_id in ids:
        click.echo(f"#{item_id}  {word}  {_about(change.before, item_id)}")
    click.echo(f"{plural(len(ids), 'note')} {word}.")


def _about(items: Mapping[int, Item | None], item_id: int) -> str:
    item = items.get(item_id)
    if item is None:
        return ""
    about = f"{item.note_type.replace('_', ' ')}, session {session_text(item)}"
    return f"({about}, {item.client_ref})" if item.client_ref else f"({about})"


@click.command()
@click.argument("ids", nargs=-1, type=ITEM_ID, required=True)
@json_option
def delete(ids: tuple[int, ...], as_json: bool) -> None:
    """Delete notes added by mistake (all or none); a note from a check-in stays in its day's totals."""
    _run(undo.delete, ids, "deleted", "deleted", as_json)


@click.command()
@click.argument("ids", nargs=-1, type=ITEM_ID, required=True)
@json_option
def reopen(ids: tuple[int, ...], as_json: bool) -> None:
    """Reopen notes marked written by mistake (all or none): clears the written time and any
    late-entry notation."""
    _run(undo.reopen, ids, "reopened", "reopened", as_json)
