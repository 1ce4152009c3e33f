"""Undoing a slip: deleting notes, reopening written ones, and taking back the app's last change.

A change is recorded as each note it touched, as it was before and as it was right after. Taking
it back puts the before state back, but only while every note is still as the change left it:
a note changed since (by the CLI, a check-in, another window) is newer than the change, so the
undo says so and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from tracker import words
from tracker.errors import InputError
from tracker.models import Item

if TYPE_CHECKING:  # the store imports this module
    from tracker.store import Store

T = TypeVar("T")
Totals = tuple[int, int]
"""A check-in's (sessions, written)."""


class Change(NamedTuple):
    """One change to the notes, reversible: `what` names it for people ("marked #3 written")."""

    what: str
    before: Mapping[int, Item | None]
    """Each note touched, by id, as it was before (None: it did not exist)."""
    after: Mapping[int, Item | None]
    """The same notes as the change left them (None: deleted)."""
    kept: Mapping[int, Mapping[str, Any]] = {}
    """What an Item does not carry of each note before (an import's key, a calendar session's
    length and code), put back with a deleted one."""
    days: Mapping[date, tuple[Totals, Totals]] = {}
    """The check-ins whose totals the change moved (a note one session more than its day
    listed), by day: (before, after)."""


def check_ids(ids: Sequence[int]) -> None:
    """InputError when no id is given or one repeats."""
    if not ids:
        raise InputError("give at least one item id")
    if len(set(ids)) != len(ids):
        raise InputError(f"item ids repeat in {' '.join(map(str, ids))}; give each id once")


def reopened(item: Item) -> Item:
    """`item` open again: no written time, no check-in that cleared it, no late-entry notation;
    InputError when it is open already."""
    if item.is_open:
        raise InputError(f"item {item.id} is open already (not marked written); nothing changed")
    return item._replace(written_at=None, cleared_by=None, notation=None)


def ids_words(ids: Iterable[int]) -> str:
    """`#3`, `#3, #5`: notes as the app names them."""
    return ", ".join(f"#{i}" for i in ids)


def record(
    store: Store,
    what: str,
    ids: Iterable[int],
    change: Callable[[], T],
    days: Iterable[date] = (),
) -> tuple[T, Change]:
    """Run `change` in one write transaction, noting the items `ids` and the check-in totals of
    `days` before and after it (ids it creates are found afterwards by the caller: see
    `with_new`)."""
    with store.transaction():
        watched, dates = list(ids), list(days)
        before = {i: store.item_or_none(i) for i in watched}
        kept = store.uncarried_columns(watched)
        totals = store.day_totals(dates)
        result = change()
        after = {i: store.item_or_none(i) for i in watched}
        moved = {
            day: (totals[day], now)
            for day, now in store.day_totals(dates).items()
            if day in totals and now != totals[day]
        }
    return result, Change(what, before, after, kept, moved)


def with_new(store: Store, change: Change, new_ids: Iterable[int]) -> Change:
    """`change` also covering items it created (absent before); read as stored now."""
    added = {i: store.item_or_none(i) for i in new_ids}
    return change._replace(
        before={**change.before, **dict.fromkeys(added)}, after={**change.after, **added}
    )


def delete(store: Store, ids: Sequence[int]) -> Change:
    """Delete notes, all or none; InputError for an unknown or repeated id.

    Nothing of a note is kept, but a note that came from a check-in stays counted in that day's
    totals (the check-in said so many sessions were held)."""
    check_ids(ids)
    _, change = record(store, f"deleted {_notes(ids)}", ids, lambda: store.delete_items(ids))
    return change


def reopen(store: Store, ids: Sequence[int]) -> Change:
    """Reopen notes marked written, all or none; InputError for an unknown, open or repeated id."""
    check_ids(ids)
    _, change = record(store, f"reopened {_notes(ids)}", ids, lambda: store.reopen_items(ids))
    return change


def restoring(change: Change, now: Mapping[int, Item | None]) -> dict[int, Item | None]:
    """What undoing `change` writes (by id: the item, or None to delete it), given the items as
    stored `now`; InputError, naming them, when some changed since."""
    moved = [i for i, item in change.after.items() if now.get(i) != item]
    if moved:
        raise InputError(
            f"cannot undo ({change.what}): {_notes(moved)} changed since, elsewhere "
            "(the command line, a check-in or another window); nothing undone"
        )
    return dict(change.before)


def undo(store: Store, change: Change) -> None:
    """Take `change` back in one transaction, or raise InputError and change nothing."""

    def restore(
        items: Mapping[int, Item | None], totals: Mapping[date, Totals]
    ) -> tuple[dict[int, Item | None], dict[date, Totals]]:
        moved = [day for day, (_, after) in change.days.items() if totals.get(day) != after]
        if moved:
            raise InputError(
                f"cannot undo ({change.what}): the check-in of {words.day(moved[0])} changed "
                "since, elsewhere; nothing undone"
            )
        return restoring(change, items), {day: was for day, (was, _) in change.days.items()}

    store.restore_items(change.after, restore, change.kept, change.days)


def _notes(ids: Sequence[int]) -> str:
    return f"note {ids_words(ids)}" if len(ids) == 1 else f"notes {ids_words(ids)}"
