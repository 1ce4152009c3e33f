"""Note items: reading them, adding, editing, and marking them written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from tracker.clock import from_utc_text, to_utc_text
from tracker.errors import InputError
from tracker.models import Item
from tracker.settings import OWN_BLOCKERS
from tracker.store.connection import Connection, in_runs

if TYPE_CHECKING:  # the check-in module is loaded by writes only (status skips it)
    from tracker.checkin import Placement

# rules.waits_on_others as SQL: blocked on someone else; a coding query is the user's own.
_OWN_BLOCKERS = ", ".join(f"'{b}'" for b in OWN_BLOCKERS)
WAITS_ON_OTHERS_SQL = f"(blocked_on IS NOT NULL AND blocked_on NOT IN ({_OWN_BLOCKERS}))"
UNCARRIED = ("import_key", "minutes", "cpt")
"""Columns of an item that `Item` does not carry."""
ITEM_COLUMNS = (
    "id, session_date, session_time, note_type, client_ref, billed, court, high_risk, admin, "
    "blocked_on, blocked_since, written_at, created_at, source, cleared_by, notation"
)


class ItemQueries(Connection):
    """The items table."""

    def _item(self, row: tuple[Any, ...]) -> Item:
        tz = self.tz
        return Item(
            id=row[0],
            session_date=date.fromisoformat(row[1]),
            session_time=time.fromisoformat(row[2]) if row[2] else None,
            note_type=row[3],
            client_ref=row[4],
            billed=bool(row[5]),
            court=bool(row[6]),
            high_risk=bool(row[7]),
            admin=bool(row[8]),
            blocked_on=row[9],
            blocked_since=from_utc_text(row[10], tz) if row[10] else None,
            written_at=from_utc_text(row[11], tz) if row[11] else None,
            created_at=from_utc_text(row[12], tz) if row[12] else None,
            source=row[13],
            cleared_by=date.fromisoformat(row[14]) if row[14] else None,
            notation=row[15],
        )

    def _select(self, conn: sqlite3.Connection, where: str, *args: Any) -> list[Item]:
        rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE {where}", args)
        return [self._item(row) for row in rows]

    def items(self, *, open_only: bool = False, since: date | None = None) -> list[Item]:
        """Items, oldest session first; only open ones, or only sessions from `since` on."""
        sql = f"SELECT {ITEM_COLUMNS} FROM items"
        where, args = [], []
        if open_only:
            where.append("written_at IS NULL")
        if since is not None:
            where.append("session_date >= ?")
            args.append(since.isoformat())
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY session_date, session_time, id"
        return [self._item(row) for row in self.conn.execute(sql, args)]

    def current_items(self, since: date) -> list[Item]:
        """Open items plus every item whose session is on or after `since` (what status needs)."""
        # Two indexed halves, not one `OR`: SQLite answers the `OR` by walking every item
        # (about 15 ms for ten years of notes); this way it reads only the rows it returns.
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE written_at IS NULL "
            f"UNION ALL SELECT {ITEM_COLUMNS} FROM items "
            "WHERE session_date >= ? AND written_at IS NOT NULL "
            "ORDER BY session_date, session_time, id",
            (since.isoformat(),),
        )
        return [self._item(row) for row in rows]

    def items_open_since(self, since: date) -> list[Item]:
        """Items that were open at some moment from `since` on (the self-check's week view)."""
        start = to_utc_text(datetime.combine(since, time(0), self.tz))
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE written_at IS NULL OR written_at >= ? "
            "ORDER BY session_date, session_time, id",
            (start,),
        )
        return [self._item(row) for row in rows]

    def item(self, item_id: int) -> Item:
        found = self.item_or_none(item_id)
        if found is None:
            raise InputError(f"no item with id {item_id}; `caughtup backlog` lists the open ones")
        return found

    def item_or_none(self, item_id: int) -> Item | None:
        """The item with `item_id`, or None when it was deleted."""
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return self._item(row) if row else None

    def add_items(self, items: Iterable[Item], now: datetime) -> list[int]:
        """Insert items as they are in one transaction; returns their new ids."""
        with self.transaction() as conn:
            return self._insert_items(conn, items, now)

    def _insert_items(
        self, conn: sqlite3.Connection, items: Iterable[Item], now: datetime
    ) -> list[int]:
        ids = []
        for item in items:
            values = _values(item)
            values["created_at"] = values["created_at"] or to_utc_text(now)
            cols = ", ".join(values)
            marks = ", ".join("?" * len(values))
            cur = conn.execute(
                f"INSERT INTO items ({cols}) VALUES ({marks})", tuple(values.values())
            )
            assert cur.lastrowid is not None
            ids.append(cur.lastrowid)
        return ids

    def update_item(self, item: Item, fields: Collection[str]) -> None:
        """Write the named fields of an existing item, and only those."""
        values = _values(item)
        names = [name for name in values if name in fields]
        if not names:
            return
        sets = ", ".join(f"{name} = ?" for name in names)
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE items SET {sets} WHERE id = ?", (*(values[n] for n in names), item.id)
            )
            if cur.rowcount != 1:
                raise InputError(f"no item with id {item.id}")

    def mark_done(
        self, ids: list[int], at: datetime, notate: Callable[[Item], str | None] | None = None
    ) -> list[Item]:
        """Mark items written at `at` by hand, all or none (`entries.mark_written` decides each,
        with its late-entry notation from `notate`); InputError for an unknown or written id."""
        from tracker.entries import mark_written

        done = []
        with self.transaction() as conn:
            for item_id in ids:
                item = mark_written(self.item(item_id), at, notate)
                conn.execute(
                    "UPDATE items SET written_at = ?, cleared_by = NULL, notation = ? WHERE id = ?",
                    (to_utc_text(at), item.notation, item_id),
                )
                done.append(item)
        return done

    def delete_items(self, ids: Sequence[int]) -> list[Item]:
        """Delete items, all or none (InputError for an unknown id); returns them as they were.

        The days table keeps its totals: a note that came from a check-in stays counted there."""
        with self.transaction() as conn:
            gone = [self.item(item_id) for item_id in ids]
            conn.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in ids])
        return gone

    def reopen_items(self, ids: Sequence[int]) -> list[Item]:
        """Reopen written items, all or none (`undo.reopened` decides each); returns them open."""
        from tracker.undo import reopened

        with self.transaction() as conn:
            opened = [reopened(self.item(item_id)) for item_id in ids]
            conn.executemany(
                "UPDATE items SET written_at = NULL, cleared_by = NULL, notation = NULL "
                "WHERE id = ?",
                [(i,) for i in ids],
            )
        return opened

    def uncarried_columns(self, ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """The columns an Item does not carry (`UNCARRIED`), of the items `ids` that exist."""
        out: dict[int, dict[str, Any]] = {}
        for run, marks in in_runs(list(ids)):
            rows = self.conn.execute(
                f"SELECT id, {', '.join(UNCARRIED)} FROM items WHERE id IN ({marks})", run
            )
            out.update((row[0], dict(zip(UNCARRIED, row[1:], strict=True))) for row in rows)
        return out

    def day_totals(self, days: Collection[date]) -> dict[date, tuple[int, int]]:
        """(sessions, written) of the check-ins of `days` that are logged."""
        out: dict[date, tuple[int, int]] = {}
        for run, marks in in_runs([d.isoformat() for d in days]):
            rows = self.conn.execute(
                f"SELECT day, sessions, written FROM days WHERE day IN ({marks})", run
            )
            out |= {date.fromisoformat(d): (s, w) for d, s, w in rows}
        return out

    def restore_items(
        self,
        ids: Collection[int],
        restoring: Callable[
            [dict[int, Item | None], dict[date, tuple[int, int]]],
            tuple[Mapping[int, Item | None], Mapping[date, tuple[int, int]]],
        ],
        kept: Mapping[int, Mapping[str, Any]] | None = None,
        days: Collection[date] = (),
    ) -> None:
        """Put items (and check-in totals) back as they were, in one transaction: `restoring`
        gets the items `ids` and the totals of `days` as stored now and answers what to write
        (an item, or None to delete its id; the totals), or raises. An item put back in place of
        a deleted one gets its columns from `kept` too."""
        with self.transaction() as conn:
            wanted, totals = restoring(
                {i: self.item_or_none(i) for i in ids}, self.day_totals(days)
            )
            conn.executemany(
                "UPDATE days SET sessions = ?, written = ? WHERE day = ?",
                [(s, w, day.isoformat()) for day, (s, w) in totals.items()],
            )
            for item_id, item in wanted.items():
                if item is None:
                    conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
                    continue
                values = _values(item)
                # An update keeps the columns an Item does not carry (an import's key).
                sets = ", ".join(f"{name} = ?" for name in values)
                cur = conn.execute(
                    f"UPDATE items SET {sets} WHERE id = ?", (*values.values(), item_id)
                )
                if cur.rowcount == 0:
                    values = {"id": item_id, **values, **(kept or {}).get(item_id, {})}
                    cols, marks = ", ".join(values), ", ".join("?" * len(values))
                    conn.execute(
                        f"INSERT INTO items ({cols}) VALUES ({marks})", tuple(values.values())
                    )

    def add_notes(self, items: Sequence[Item], now: datetime) -> list[Placement]:
        """Add itemized notes, each taking the place of an anonymous note of its day's check-in
        where there is one of its kind (`checkin.place_notes`); one transaction."""
        with self.transaction() as conn:
            ids = self._insert_items(conn, items, now)
            return self._place(conn, [i._replace(id=n) for i, n in zip(items, ids, strict=True)])

    def _place(self, conn: sqlite3.Connection, new: Sequence[Item]) -> list[Placement]:
        """Apply `checkin.place_notes` to notes just inserted, inside the caller's transaction."""
        from tracker.checkin import place_notes

        days = sorted({i.session_date for i in new})
        logs = self.day_totals(days)
        anonymous: list[Item] = []
        for run, marks in in_runs([d.isoformat() for d in days]):
            anonymous += self._select(conn, f"source = 'count' AND session_date IN ({marks})", *run)
        placed, replaced, totals = place_notes(new, anonymous, logs, self.tz)
        conn.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in replaced])
        conn.executemany(
            "UPDATE days SET sessions = ?, written = ? WHERE day = ?",
            [(s, w, day.isoformat()) for day, (s, w) in totals.items()],
        )
        return placed


def _values(item: Item) -> dict[str, Any]:
    """The item's columns as stored (times in UTC text)."""
    return {
        "session_date": item.session_date.isoformat(),
        "session_time": item.session_time.strftime("%H:%M") if item.session_time else None,
        "note_type": item.note_type,
        "client_ref": item.client_ref,
        "billed": int(item.billed),
        "court": int(item.court),
        "high_risk": int(item.high_risk),
        "admin": int(item.admin),
        "blocked_on": item.blocked_on,
        "blocked_since": to_utc_text(item.blocked_since) if item.blocked_since else None,
        "written_at": to_utc_text(item.written_at) if item.written_at else None,
        "created_at": to_utc_text(item.created_at) if item.created_at else None,
        "source": item.source,
        "cleared_by": item.cleared_by.isoformat() if item.cleared_by else None,
        "notation": item.notation,
    }
