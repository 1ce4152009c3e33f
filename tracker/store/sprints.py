"""The catch-up sprint: the current one, its blocks, and the user's own writing pace."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from tracker.clock import from_utc_text, to_utc_text
from tracker.errors import InputError
from tracker.store.connection import Connection
from tracker.store.items import WAITS_ON_OTHERS_SQL

if TYPE_CHECKING:  # built where read (tracker.records says why)
    from tracker.records import SprintBlock, SprintRecord


class SprintQueries(Connection):
    """The sprints, sprint_blocks and pace tables."""

    def current_sprint(self, *, or_last: bool = False) -> SprintRecord | None:
        """The sprint not yet ended, if any; with `or_last`, else the last one that ended."""
        row = self.conn.execute(
            "SELECT id, uid, started_on, params, baseline, start_outstanding, revision, ended_at, "
            f"created_at FROM sprints {'' if or_last else 'WHERE ended_at IS NULL'} "
            "ORDER BY ended_at IS NOT NULL, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        from tracker.records import SprintRecord

        return SprintRecord(
            id=row[0],
            uid=row[1],
            started_on=date.fromisoformat(row[2]),
            params=json.loads(row[3]),
            baseline=[(date.fromisoformat(d), n) for d, n in json.loads(row[4])],
            start_outstanding=row[5],
            revision=row[6],
            ended_at=from_utc_text(row[7], self.tz) if row[7] else None,
            created_at=from_utc_text(row[8], self.tz),
        )

    def start_sprint(
        self,
        uid: str,
        started_on: date,
        params: dict[str, Any],
        baseline: list[tuple[date, int]],
        now: datetime,
    ) -> int:
        """End any current sprint and start a new one; returns its id. It starts with the
        baseline's first count outstanding."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sprints SET ended_at = ? WHERE ended_at IS NULL", (to_utc_text(now),)
            )
            cur = conn.execute(
                "INSERT INTO sprints (uid, started_on, params, baseline, start_outstanding, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    started_on.isoformat(),
                    json.dumps(params),
                    json.dumps([(d.isoformat(), n) for d, n in baseline]),
                    baseline[0][1] if baseline else 0,
                    to_utc_text(now),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def end_sprint(self, sprint_id: int, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sprints SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (to_utc_text(now), sprint_id),
            )

    def replace_planned_blocks(
        self, sprint_id: int, params: dict[str, Any], blocks: Iterable[SprintBlock]
    ) -> None:
        """Save a re-plan: new parameters and planned blocks; blocks logged done stay.

        A re-plan that changes nothing writes nothing, so showing the sprint (the app re-plans
        each time the data changes) never counts as a change itself.
        """
        rows = [
            (b.day.isoformat(), b.start.strftime("%H:%M"), b.minutes, json.dumps(b.groups), b.goal)
            for b in blocks
        ]
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT day, start, minutes, groups, goal FROM sprint_blocks "
                "WHERE sprint_id = ? AND done_at IS NULL ORDER BY id",
                (sprint_id,),
            ).fetchall()
            (old_params,) = conn.execute(
                "SELECT params FROM sprints WHERE id = ?", (sprint_id,)
            ).fetchone() or (None,)
            if stored == rows and old_params == json.dumps(params):
                return
            conn.execute(
                "UPDATE sprints SET params = ?, revision = revision + 1 WHERE id = ?",
                (json.dumps(params), sprint_id),
            )
            conn.execute(
                "DELETE FROM sprint_blocks WHERE sprint_id = ? AND done_at IS NULL", (sprint_id,)
            )
            conn.executemany(
                "INSERT INTO sprint_blocks (sprint_id, day, start, minutes, groups, goal) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(sprint_id, *row) for row in rows],
            )

    def sprint_blocks(self, sprint_id: int) -> list[SprintBlock]:
        """The sprint's blocks: done ones (in the order logged), then planned ones by date."""
        return self._blocks("sprint_id = ? ORDER BY done_at IS NULL, done_at, day, id", sprint_id)

    def finished_blocks(self, since_utc: str) -> list[SprintBlock]:
        """Blocks of any sprint logged as done from `since_utc` on, in the order logged."""
        return self._blocks("done_at >= ? ORDER BY done_at, id", since_utc)

    def _blocks(self, where: str, *args: Any) -> list[SprintBlock]:
        rows = self.conn.execute(
            "SELECT id, day, start, minutes, groups, goal, done_at, done_ids, minutes_spent, "
            f"remaining_after FROM sprint_blocks WHERE {where}",
            args,
        )
        from tracker.records import SprintBlock

        return [
            SprintBlock(
                id=row[0],
                day=date.fromisoformat(row[1]),
                start=time.fromisoformat(row[2]),
                minutes=row[3],
                groups=[(t, list(ids)) for t, ids in json.loads(row[4])],
                goal=row[5],
                done_at=from_utc_text(row[6], self.tz) if row[6] else None,
                done_ids=json.loads(row[7]) if row[7] else None,
                minutes_spent=row[8],
                remaining_after=row[9],
            )
            for row in rows
        ]

    def log_block_done(
        self,
        block_id: int,
        item_ids: list[int],
        minutes: int,
        at: datetime,
        pace: dict[str, tuple[float, float]],
        notations: Mapping[int, str] | None = None,
    ) -> int:
        """Mark a block done and its items written (late ones with their notation), and save
        the new pace, all at once.

        Returns the outstanding count after it. InputError (nothing changed) if an item is not
        open or the block is already done.
        """
        notations = notations or {}
        at_text = to_utc_text(at)
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT done_at FROM sprint_blocks WHERE id = ?", (block_id,)
            ).fetchone()
            if row is None or row[0] is not None:
                raise InputError(f"block {block_id} is not a planned block; nothing changed")
            for item_id in item_ids:
                cur = conn.execute(
                    "UPDATE items SET written_at = ?, cleared_by = NULL, notation = ? "
                    "WHERE id = ? AND written_at IS NULL",
                    (at_text, notations.get(item_id), item_id),
                )
                if cur.rowcount != 1:
                    raise InputError(f"item {item_id} is not open; nothing changed")
            remaining = conn.execute(
                f"SELECT count(*) FROM items WHERE written_at IS NULL AND NOT {WAITS_ON_OTHERS_SQL}"
            ).fetchone()[0]
            conn.execute(
                "UPDATE sprint_blocks SET done_at = ?, done_ids = ?, minutes_spent = ?, "
                "remaining_after = ? WHERE id = ?",
                (at_text, json.dumps(item_ids), minutes, remaining, block_id),
            )
            conn.executemany(
                "INSERT INTO pace (note_type, minutes, weight, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (note_type) DO UPDATE SET minutes = excluded.minutes, "
                "weight = excluded.weight, updated_at = excluded.updated_at",
                [(t, m, w, at_text) for t, (m, w) in pace.items()],
            )
        return int(remaining)

    def pace(self) -> dict[str, tuple[float, float]]:
        """The user's own catch-up minutes per note type: {type: (minutes, weight)}."""
        rows = self.conn.execute("SELECT note_type, minutes, weight FROM pace")
        return {t: (m, w) for t, m, w in rows}
