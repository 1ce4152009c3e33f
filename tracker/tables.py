"""The store's tables as data, read from the schema itself: what export and import walk.

Apart from `tracker.store` because only export and import need it (see `tracker.records`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tracker.store.schema import HISTORY_TABLE


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    affinity: str
    """INTEGER, REAL, TEXT, BLOB or NUMERIC, from the declared type (SQLite's rules)."""
    notnull: bool
    default: str | None
    """The column's DEFAULT expression as SQL text, or None."""
    pk: bool

    @property
    def required(self) -> bool:
        """An insert must give a value: NOT NULL, no default, and not the rowid alias."""
        return (
            self.notnull and self.default is None and not (self.pk and self.affinity == "INTEGER")
        )


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    parents: tuple[str, ...]
    """Tables this one refers to by foreign key: they are written first."""

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.pk)


def read(conn: sqlite3.Connection) -> list[Table]:
    """Every table of caughtup's data (sqlite-utils reads the schema), parents before the
    tables using them. SQLite's own tables and the schema's history are not data."""
    from sqlite_utils import Database  # ~50 ms to import: export and import only

    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    names = sorted(
        n for n in db.table_names() if not n.startswith("sqlite_") and n != HISTORY_TABLE
    )
    found: dict[str, Table] = {}
    for name in names:
        info = db.table(name)
        columns = tuple(
            Column(
                name=c.name,
                affinity=_affinity(c.type),
                notnull=bool(c.notnull),
                default=c.default_value,
                pk=bool(c.is_pk),
            )
            for c in info.columns
        )
        parents = tuple(
            sorted(
                {
                    fk.other_table
                    for fk in info.foreign_keys
                    if fk.other_table != name and fk.other_table in names
                }
            )
        )
        found[name] = Table(name, columns, parents)
    ordered: list[Table] = []
    placed: set[str] = set()
    while len(ordered) < len(found):
        ready = [t for t in found.values() if t.name not in placed and set(t.parents) <= placed]
        if not ready:  # a cycle of foreign keys: fall back to name order for the rest
            ready = [t for t in found.values() if t.name not in placed]
        for table in ready:
            ordered.append(table)
            placed.add(table.name)
    return ordered


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (section 3.1 of its datatype page)."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(word in t for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(word in t for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"
