"""Undoing a slip: `delete`, `reopen` and the app's one-level undo, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker import undo
from tracker.errors import InputError
from tracker.workspace import Workspace


def open_ids(run_json: Callable[..., Any]) -> list[int]:
    return [row["id"] for row in run_json("backlog")["items"]]


def test_delete_and_reopen_from_the_command_line(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    first = run_json("add", "--date", "2026-11-10", "--client", "C7")["id"]
    second = run_json("add", "--date", "2026-11-20")["id"]
    done = run_json("done", str(first))
    assert done["items"][0]["notation"]  # written late: it carries a late-entry notation
    assert open_ids(run_json) == [second]

    result = run("reopen", str(first))
    assert result.exit_code == 0, result.output
    assert f"#{first}  reopened" in result.stdout and "C7" in result.stdout
    assert sorted(open_ids(run_json)) == [first, second]
    with closing(Workspace(home)) as ws:
        item = ws.store.item(first)
        assert item.written_at is None and item.notation is None and item.cleared_by is None

    assert run_json("delete", str(second)) == {"deleted": [second]}
    assert open_ids(run_json) == [first]

    before = digest(home)
    for args, words in [
        (("delete", str(first), "99"), "no item with id 99"),  # one bad id: none deleted
        (("reopen", str(first)), f"item {first} is open already"),
        (("delete", str(first), str(first)), "give each id once"),
        (("delete", "0"), "0"),
    ]:
        bad = run(*args)
        assert bad.exit_code == 2, (args, bad.output)
        assert words in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert digest(home) == before


def test_deleting_a_note_from_a_check_in_keeps_the_days_totals(
    home: Path, run_json: Callable[..., Any]
) -> None:
    run_json("log", "--date", "2026-11-20", "--sessions", "3", "--written", "1")
    (gone, kept) = open_ids(run_json)
    run_json("delete", str(gone))
    assert open_ids(run_json) == [kept]
    with closing(Workspace(home)) as ws:
        day = ws.store.day(date(2026, 11, 20))
        assert day is not None and (day.sessions, day.written) == (3, 1)
        assert ws.store.item_or_none(gone) is None


def test_undo_puts_a_change_back_unless_it_changed_since(
    home: Path, run_json: Callable[..., Any]
) -> None:
    a = run_json("add", "--date", "2026-11-10", "--client", "C7", "--billed")["id"]
    b = run_json("add", "--date", "2026-11-21")["id"]
    with closing(Workspace(home)) as ws:
        original = ws.store.item(a)
        deleted = undo.delete(ws.store, [a, b])
        assert deleted.what == f"deleted notes #{a}, #{b}"
        undo.undo(ws.store, deleted)
        assert ws.store.item(a) == original  # every field, the same id

        _, marked = undo.record(
            ws.store, f"marked note #{a} written", [a], lambda: ws.store.mark_done([a], ws.now())
        )
        undo.undo(ws.store, marked)
        assert ws.store.item(a) == original

        _, marked = undo.record(
            ws.store, f"marked note #{a} written", [a], lambda: ws.store.mark_done([a], ws.now())
        )
    run_json("reopen", str(a))
    run_json("done", str(a), "--at", "2026-11-22T09:00")  # newer than the app's change
    with closing(Workspace(home)) as ws:
        newer = ws.store.item(a)
        with pytest.raises(InputError, match=f"note #{a} changed since, elsewhere"):
            undo.undo(ws.store, marked)
        assert ws.store.item(a) == newer


def test_restoring_is_refused_when_a_note_moved_and_changes_nothing_else() -> None:
    from tracker.models import Item

    item = Item(id=1, session_date=date(2026, 11, 1))
    change = undo.Change("deleted note #1", {1: item}, {1: None})
    assert undo.restoring(change, {1: None}) == {1: item}
    reused = item._replace(client_ref="X")  # the id taken again by a note added since
    with pytest.raises(InputError, match="cannot undo \\(deleted note #1\\)"):
        undo.restoring(change, {1: reused})


def test_undoing_a_delete_brings_back_what_an_item_does_not_carry(home: Path) -> None:
    """A calendar session's key, length and code, or an EHR row's key: without them the next
    sync or import would add the restored note a second time."""
    with closing(Workspace(home)) as ws:
        conn = ws.store.conn
        conn.execute(
            "INSERT INTO items (session_date, session_time, note_type, source, created_at, "
            "import_key, minutes, cpt) VALUES ('2026-11-18', '10:00', 'progress', 'calendar', "
            "'2026-11-18T09:00:00+00:00', 'cal:abc123', 53, '90837')"
        )
        (item_id,) = conn.execute("SELECT id FROM items").fetchone()
        row = conn.execute("SELECT * FROM items").fetchone()
        change = undo.delete(ws.store, [item_id])
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
        undo.undo(ws.store, change)
        assert conn.execute("SELECT * FROM items").fetchone() == row


def test_undoing_an_added_note_takes_back_the_session_it_added_to_the_check_in(
    home: Path, run_json: Callable[..., Any]
) -> None:
    """A note one session more than its day's check-in listed makes the check-in count it; the
    undo of that add puts the day's totals back too, and refuses when the day changed since."""
    from tracker.models import Item

    run_json("log", "--date", "2026-11-20", "--sessions", "1", "--written", "0")
    day = date(2026, 11, 20)
    with closing(Workspace(home)) as ws:
        store = ws.store
        anonymous = [i.id or 0 for i in store.items(since=day) if i.session_date == day]
        notes = [Item(None, day, client_ref="A1"), Item(None, day, client_ref="B2")]
        placed, change = undo.record(
            store, "added", anonymous, lambda: store.add_notes(notes, ws.now()), days=[day]
        )
        change = undo.with_new(store, change, [p.id for p in placed])
        assert store.day_totals([day]) == {day: (2, 0)}  # one session more than logged
        undo.undo(store, change)
        assert store.day_totals([day]) == {day: (1, 0)}
        assert [i.client_ref for i in store.items(since=day)] == [None]

        placed, change = undo.record(
            store, "added", anonymous, lambda: store.add_notes(notes, ws.now()), days=[day]
        )
        change = undo.with_new(store, change, [p.id for p in placed])
        store.conn.execute("UPDATE days SET sessions = 4 WHERE day = '2026-11-20'")
        with pytest.raises(InputError, match="the check-in of Fri 20 Nov 2026 changed since"):
            undo.undo(store, change)
        assert store.day_totals([day]) == {day: (4, 0)}
