"""Small state (a key-value table: alerts sent per channel, the current sprint's marks) and the
outcome of each notification delivered."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tracker.clock import from_utc_text, to_utc_text
from tracker.store.connection import Connection

if TYPE_CHECKING:  # built where read (tracker.records says why)
    from tracker.records import Delivery

SENT_PREFIX = "alerts.sent."
KEEP_DELIVERIES = 500


class StateQueries(Connection):
    """The state and deliveries tables."""

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str | None) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def states(self, prefix: str) -> dict[str, str]:
        """Every small-state value whose key starts with `prefix`, by key."""
        rows = self.conn.execute(
            "SELECT key, value FROM state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        )
        return dict(rows.fetchall())

    def sent_state(self, channel: str) -> dict[str, int | str]:
        """The alert levels already delivered to one notification channel."""
        raw = self.get_state(f"{SENT_PREFIX}{channel}")
        return json.loads(raw) if raw else {}

    def save_sent_state(self, channel: str, state: dict[str, int | str]) -> None:
        self.set_state(f"{SENT_PREFIX}{channel}", json.dumps(state, sort_keys=True))

    def forget_channels(self, keep: Iterable[str]) -> None:
        """Drop the sent-state of channels no longer configured."""
        keys = {f"{SENT_PREFIX}{ch}" for ch in keep}
        with self.transaction() as conn:
            stale = [(key,) for key in self.states(SENT_PREFIX) if key not in keys]
            conn.executemany("DELETE FROM state WHERE key = ?", stale)

    def record_deliveries(self, rows: Iterable[Delivery]) -> None:
        """Keep the outcome of each send, and only the newest KEEP_DELIVERIES of them."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO deliveries (at, kind, channel, target, ok, error) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (to_utc_text(d.at), d.kind, d.channel, d.target, int(d.ok), d.error)
                    for d in rows
                ],
            )
            conn.execute(
                "DELETE FROM deliveries WHERE id <= (SELECT MAX(id) FROM deliveries) - ?",
                (KEEP_DELIVERIES,),
            )

    def deliveries(self, limit: int = 20) -> list[Delivery]:
        """The most recent delivery outcomes, newest first."""
        rows = self.conn.execute(
            "SELECT at, kind, channel, target, ok, error FROM deliveries ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        from tracker.records import Delivery

        return [
            Delivery(from_utc_text(r[0], self.tz), r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows
        ]
