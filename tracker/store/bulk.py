"""Bulk import and export: every table read as data, rows loaded in one transaction.

An import is all or nothing: every table's rows go in inside one write transaction, the first
row SQLite refuses is named, and a row whose key is already there must be identical to the
stored one (a re-import), else the whole import is refused. sqlite-utils' `insert_all` loads
the tables (list rows, column names first: the shape it takes without building a dict per
row) inside that one transaction: on its own it would commit every batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from tracker.errors import InputError
from tracker.store.items import ItemQueries

if TYPE_CHECKING:  # built where read: export and import only
    from sqlite_utils import Database

    from tracker.checkin import Placement
    from tracker.tables import Table

SKIP = "ON CONFLICT DO NOTHING"
# The page cache of an import: its new pages stay in memory until the commit writes them once,
# and its indexes are sorted in memory (0.015 s less for 100,000 items than the default 2 MiB).
BULK_CACHE_KIB = 64 * 1024
# The items table goes in by `executemany`, a run of rows with the same empty fields at a time
# with NULL written into the statement (`_runs_by_nulls`), not by `insert_all`: insert_all
# converts every value in Python (`jsonify_if_needed`, four isinstance tests each) and binds
# None through the adapter lookup, so an import of 100,000 items took 15.5 G instructions
# instead of 5.2 G (about 2 s); with the empty fields left out of each run, 12.5 G (4,609
# calls); even grouped by empty fields (losing the rows' order), 10.4 G. The budget is 1 s.
BY_EXECUTEMANY = frozenset({"items"})


class RowRejected(InputError):
    """SQLite refused one row of an import; `index` is its 0-based position in that table."""

    def __init__(self, table: str, index: int, problem: str) -> None:
        self.table, self.index, self.problem = table, index, problem
        super().__init__(f"{table} row {index + 1}: {problem}")


class Bulk(ItemQueries):
    """Whole tables in and out, for export and import."""

    def tables(self) -> list[Table]:
        """Every table of caughtup's data, parents before the tables using them."""
        from tracker.tables import read  # export and import only: status skips sqlite-utils

        return read(self.conn)

    def holds_data(self) -> bool:
        """Whether any table has a row (an empty database needs no backup before an import)."""
        return any(
            self.conn.execute(f"SELECT 1 FROM {quote(t.name)} LIMIT 1").fetchone()
            for t in self.tables()
        )

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        """Every row of `table` in the order it was stored, its columns in `table.columns` order."""
        cols = ", ".join(quote(c.name) for c in table.columns)
        sql = f"SELECT {cols} FROM {quote(table.name)} ORDER BY "
        try:
            cursor = self.conn.execute(sql + "rowid")
        except sqlite3.OperationalError:  # a WITHOUT ROWID table: its key is its order
            cursor = self.conn.execute(sql + ", ".join(quote(k) for k in table.key))
        yield from cursor

    def load_rows(
        self,
        data: Sequence[tuple[Table, Sequence[str], Sequence[Sequence[Any]]]],
        *,
        replace: bool = False,
        before_commit: Callable[[], None] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Insert rows into many tables in one transaction: all of them, or none.

        `data` holds (table, column names, rows) in dependency order. A row whose key already
        exists is skipped when it is identical (a re-import) and rejected when it differs.
        `replace` empties every table first. `before_commit` runs last, inside the transaction
        (writing settings), so its failure also rolls everything back.
        """
        from sqlite_utils import Database  # loaded by `tables` already

        counts: dict[str, dict[str, int]] = {}
        with self._page_cache(BULK_CACHE_KIB), self.transaction() as conn:
            db = Database(conn, recursive_triggers=False, execute_plugins=False)
            if replace:
                for table in reversed(self.tables()):
                    conn.execute(f"DELETE FROM {quote(table.name)}")
            for table, columns, rows in data:
                counts[table.name] = _insert(db, table, columns, rows)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                table_name, rowid, parent, _ = problems[0]
                raise InputError(
                    f"{table_name} row with rowid {rowid} refers to a missing {parent} row; "
                    "nothing was imported"
                )
            if before_commit is not None:
                before_commit()
        return counts

    def import_items(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        row_key: tuple[str, Sequence[str]] | None = None,
    ) -> tuple[int, int, list[Placement]]:
        """Insert items in one transaction; returns (added, marked written, where the added
        notes of logged days went in their check-ins).

        A row whose import key is already there adds nothing, but gives an open item its written
        time when the row has one (a note signed in the EHR since the last import). `row_key`
        (key prefix, identity columns) first gives keys that an older caughtup made for rows
        without an EHR id that form, so a list imported then still matches.
        """
        target = f"items ({', '.join(quote(c) for c in columns)})"
        # Not sqlite-utils' upsert_all: it would overwrite every column of a matched row, and
        # cannot name the partial unique index the import key lives in.
        on_conflict = (
            "ON CONFLICT (import_key) WHERE import_key IS NOT NULL DO UPDATE SET "
            "written_at = excluded.written_at "
            "WHERE items.written_at IS NULL AND excluded.written_at IS NOT NULL"
            if "written_at" in columns
            else SKIP
        )
        with self.transaction() as conn:
            if row_key is not None:
                _rekey_legacy_rows(conn, *row_key)
            count = "SELECT count(*) FROM items"
            items_before, changes_before = conn.execute(count).fetchone()[0], conn.total_changes
            last = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
            _insert_rows(conn, target, len(columns), rows, range(len(columns)), on_conflict)
            added = conn.execute(count).fetchone()[0] - items_before
            updated = conn.total_changes - changes_before - added
            new = self._select(conn, "id > ? AND session_date IN (SELECT day FROM days)", last)
            return added, updated, self._place(conn, new) if new else []

    @contextmanager
    def _page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache at `kib` for a while (it is 2 MiB unless set)."""
        before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        self.conn.execute(f"PRAGMA cache_size = {-kib}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")


def _insert(
    db: Database, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> dict[str, int]:
    """All of `rows` into `table`, in a savepoint; the rows skipped must be identical to stored
    ones. RowRejected names the first row that cannot go in."""
    conn = db.conn
    before = conn.total_changes
    conn.execute("SAVEPOINT load_table")
    try:
        indexes = _drop_indexes_if_empty(conn, table.name) if rows else []
        if table.name in BY_EXECUTEMANY:
            _insert_runs(conn, table, columns, rows)
        else:
            db.table(table.name).insert_all(chain([list(columns)], rows), ignore=True)
        for index_sql in indexes:
            conn.execute(index_sql)
    except sqlite3.DatabaseError as exc:
        # A bulk insert does not say which row failed: find it one by one, then give up.
        conn.execute("ROLLBACK TO load_table")
        sql = _insert_sql(_target(table.name, columns), len(columns))
        for index, row in enumerate(rows):
            try:
                conn.execute(sql, row)
            except sqlite3.DatabaseError as row_exc:
                raise RowRejected(table.name, index, _constraint_words(row_exc)) from None
        raise RowRejected(table.name, 0, _constraint_words(exc)) from None
    finally:
        conn.execute("RELEASE load_table")
    inserted = conn.total_changes - before
    skipped = len(rows) - inserted
    if skipped:
        _check_skipped(conn, table, columns, rows)
    return {"inserted": inserted, "skipped": skipped}


def _check_skipped(
    conn: sqlite3.Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Every row the insert skipped must match a stored row exactly, else it is an error."""
    same = " AND ".join(f"{quote(c)} IS ?" for c in columns)
    sql = f"SELECT 1 FROM {quote(table.name)} WHERE {same} LIMIT 1"
    key = [columns.index(k) for k in table.key if k in columns]
    for index, row in enumerate(rows):
        if conn.execute(sql, tuple(row)).fetchone() is None:
            what = ", ".join(f"{columns[i]} {row[i]!r}" for i in key) or "this row"
            raise RowRejected(
                table.name,
                index,
                f"{what} already exists with different values; nothing was imported "
                "(import into an empty database, or use {replace} to replace everything)",
            )


def _insert_runs(
    conn: sqlite3.Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """`rows` into `table` by executemany, a run of rows with the same empty fields at a time."""
    notnull = {c.name for c in table.columns if c.notnull}
    nullable = [i for i, name in enumerate(columns) if name not in notnull]
    _insert_rows(conn, _target(table.name, columns), len(columns), rows, nullable)


def _drop_indexes_if_empty(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop an empty table's plain indexes, returning the SQL that makes them again.

    Building an index once after a bulk insert is one sort; keeping it up to date row by row
    costs more (0.07 s of an import of 100,000 items). Unique indexes stay: they decide which
    rows the insert skips. The caller's transaction brings them all back if anything fails.
    """
    if conn.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1").fetchone() is not None:
        return []
    plain = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        'AND sql IS NOT NULL AND name IN (SELECT name FROM pragma_index_list(?) WHERE NOT "unique")',
        (table, table),
    ).fetchall()
    for name, _ in plain:
        conn.execute(f"DROP INDEX {quote(name)}")
    return [sql for _, sql in plain]


def _target(table: str, columns: Sequence[str]) -> str:
    """`table (columns)`, quoted, for an INSERT."""
    return f"{quote(table)} ({', '.join(quote(c) for c in columns)})"


def _insert_sql(
    target: str, width: int, nulls: Collection[int] = (), on_conflict: str = SKIP
) -> str:
    """INSERT into `target` ("table (columns)") skipping conflicts; `nulls` written as NULL."""
    values = ", ".join("NULL" if i in nulls else "?" for i in range(width))
    return f"INSERT INTO {target} VALUES ({values}) {on_conflict}"


def _insert_rows(
    conn: sqlite3.Connection,
    target: str,
    width: int,
    rows: Sequence[Sequence[Any]],
    nullable: Sequence[int],
    on_conflict: str = SKIP,
) -> None:
    """Insert `rows` into `target`, their empty fields (in `nullable`) written as NULL."""
    statements: dict[tuple[int, ...], str] = {}
    for nulls, run in _runs_by_nulls(rows, nullable):
        if nulls not in statements:
            statements[nulls] = _insert_sql(target, width, nulls, on_conflict)
        conn.executemany(statements[nulls], _without(run, nulls, width))


def _rekey_legacy_rows(conn: sqlite3.Connection, prefix: str, identity: Sequence[str]) -> None:
    """Give EHR rows imported without an id before keys were made of the row's identity (their
    keys then were "ehr-row:" and the raw cells, a date first) the key `tracker.ehr` makes now."""
    parts = " || char(31) || ".join(f"coalesce({quote(c)}, '')" for c in identity)
    by = ", ".join(quote(c) for c in identity)
    conn.execute(
        "UPDATE OR IGNORE items SET import_key = k.key FROM ("
        f"SELECT id, ? || {parts} || char(30) || row_number() OVER (PARTITION BY {by} "
        "ORDER BY id) AS key FROM items "
        "WHERE import_key >= 'ehr-row:0' AND import_key < 'ehr-row::') AS k "
        "WHERE items.id = k.id",
        (prefix,),
    )


def _runs_by_nulls(
    rows: Sequence[Sequence[Any]], nullable: Sequence[int]
) -> Iterator[tuple[tuple[int, ...], Sequence[Sequence[Any]]]]:
    """Consecutive runs of rows with None in the same places: (those positions, the rows).

    Python's sqlite3 binds None slowly (a failed adapter lookup, 0.7 µs: 100,000 items with five
    empty fields each take 0.35 s more), so an insert writes NULL into its SQL instead. Empty
    fields are found a column at a time (at C speed), in the columns that may hold NULL.
    """
    empty: list[list[bool]] = []
    positions: list[int] = []
    for position in nullable:
        flags = [row[position] is None for row in rows]
        if True in flags:
            empty.append(flags)
            positions.append(position)
    if not positions:
        yield (), rows
        return
    start = 0
    for key, run in groupby(zip(*empty, strict=True)):
        end = start + len(list(run))
        yield tuple(p for p, null in zip(positions, key, strict=True) if null), rows[start:end]
        start = end


def _without(
    rows: Sequence[Sequence[Any]], positions: Collection[int], width: int
) -> Iterable[Sequence[Any]]:
    """`rows` without their values at `positions`."""
    if not positions:
        return rows
    keep = [i for i in range(width) if i not in positions]
    if len(keep) == 1:
        return [(row[keep[0]],) for row in rows]
    return map(itemgetter(*keep), rows) if keep else [()] * len(rows)


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _constraint_words(exc: sqlite3.DatabaseError) -> str:
    return f"the database refused it ({exc})"
