"""The store's tables as data, read from the schema itself: what export and import walk.

Apart from `tracker.store` because only export and import need it (see `tracker.records`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


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
    """Every table the schema has (from sqlite_master), parents before the tables using them."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    found: dict[str, Table] = {}
    for name in names:
        columns = tuple(
            Column(
                name=r[1],
                affinity=_affinity(r[2]),
                notnull=bool(r[3]),
                default=r[4],
                pk=bool(r[5]),
            )
            for r in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))
        )
        parents = tuple(
            sorted(
                {
                    r[0]
                    for r in conn.execute('SELECT "table" FROM pragma_foreign_key_list(?)', (name,))
                    if r[0] != name and r[0] in names
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
