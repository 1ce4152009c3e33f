"""Count-only logging: the store creates anonymous items and re-logging corrects, never doubles."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.errors import InputError
from tracker.models import DayLog, Item
from tracker.store import Store

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=TZ)
TODAY = NOW.date()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path, TZ)


def counts(store: Store, day: date = TODAY) -> tuple[int, int]:
    mine = [i for i in store.items() if i.session_date == day]
    return len(mine), sum(1 for i in mine if not i.is_open)


def test_count_only_log_creates_anonymous_items(store: Store) -> None:
    store.log_day(DayLog(TODAY, sessions=6, written=4), NOW)
    items = store.items()
    assert len(items) == 6
    assert sum(not i.is_open for i in items) == 4
    assert all(i.client_ref is None and i.source == "count" for i in items)
    assert all(i.written_at == NOW for i in items if not i.is_open)


@pytest.mark.parametrize(
    ("first", "second"),
    [((6, 4), (6, 4)), ((6, 4), (5, 5)), ((6, 4), (8, 2)), ((6, 6), (0, 0)), ((3, 0), (3, 3))],
)
def test_relogging_corrects_never_doubles(
    store: Store, first: tuple[int, int], second: tuple[int, int]
) -> None:
    store.log_day(DayLog(TODAY, *first), NOW)
    store.log_day(DayLog(TODAY, *second), NOW)
    assert counts(store) == second
    assert len(store.days()) == 1
    assert store.day(TODAY) is not None
    assert (store.day(TODAY).sessions, store.day(TODAY).written) == second  # type: ignore[union-attr]


def test_itemized_entries_count_towards_the_day(store: Store) -> None:
    store.add_items([Item(None, TODAY, time(9), client_ref="C7")], NOW)
    store.log_day(DayLog(TODAY, sessions=4, written=1), NOW)
    items = [i for i in store.items() if i.session_date == TODAY]
    assert len(items) == 4
    assert [i.source for i in items].count("count") == 3
    assert counts(store) == (4, 1)


def test_backfilled_day_is_written_that_day(store: Store) -> None:
    past = date(2026, 11, 18)
    store.log_day(DayLog(past, sessions=2, written=2), NOW)
    written = {i.written_at for i in store.items()}
    assert written == {datetime(2026, 11, 18, 23, 59, tzinfo=TZ)}


def test_cleared_marks_oldest_backlog_and_relog_undoes(store: Store) -> None:
    store.log_day(DayLog(date(2026, 11, 16), sessions=3, written=0), NOW)
    store.log_day(DayLog(date(2026, 11, 17), sessions=2, written=0), NOW)
    store.log_day(DayLog(TODAY, sessions=0, written=0, cleared=4), NOW)
    open_items = store.items(open_only=True)
    assert [i.session_date for i in open_items] == [date(2026, 11, 17)]
    store.log_day(DayLog(TODAY, sessions=0, written=0, cleared=1), NOW)
    assert len(store.items(open_only=True)) == 4
    store.log_day(DayLog(TODAY, sessions=0, written=0, cleared=1), NOW)
    assert len(store.items(open_only=True)) == 4


def test_cleared_more_than_open_is_rejected_and_changes_nothing(store: Store) -> None:
    store.log_day(DayLog(date(2026, 11, 16), sessions=2, written=0), NOW)
    with pytest.raises(InputError, match="cleared 3 is more than the 2 notes from before"):
        store.log_day(DayLog(TODAY, sessions=5, written=5, cleared=3), NOW)
    assert len(store.items()) == 2
    assert store.day(TODAY) is None


def test_database_and_folder_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    Store.open(home, TZ).close()
    assert (home.stat().st_mode & 0o777) == 0o700
    assert ((home / "caughtup.db").stat().st_mode & 0o777) == 0o600


def test_schema_version_and_wal(store: Store) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path, TZ).conn.execute("PRAGMA user_version = 999")
    with pytest.raises(InputError, match="newer caughtup"):
        Store.open(tmp_path, TZ)
