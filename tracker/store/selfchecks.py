"""Self-check results, kept so they can be compared over time."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from tracker.clock import to_utc_text
from tracker.store.connection import Connection


class SelfCheckQueries(Connection):
    """The selfchecks table."""

    def add_selfcheck(
        self,
        *,
        taken_on: date,
        taken_at: datetime,
        questionnaire: str,
        answers: dict[str, int],
        scores: dict[str, int],
        profile: str,
        safety_flag: bool,
    ) -> int:
        """Keep one scored self-check; returns its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO selfchecks (taken_on, taken_at, questionnaire, answers, scores, "
                "profile, safety_flag) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    taken_on.isoformat(),
                    to_utc_text(taken_at),
                    questionnaire,
                    json.dumps(answers, sort_keys=True),
                    json.dumps(scores, sort_keys=True),
                    profile,
                    int(safety_flag),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def selfchecks(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Kept self-checks, newest first: id, taken_on (date), questionnaire, answers, scores,
        profile, safety_flag."""
        rows = self.conn.execute(
            "SELECT id, taken_on, questionnaire, answers, scores, profile, safety_flag "
            "FROM selfchecks ORDER BY taken_on DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            {
                "id": row[0],
                "taken_on": date.fromisoformat(row[1]),
                "questionnaire": row[2],
                "answers": json.loads(row[3]),
                "scores": json.loads(row[4]),
                "profile": row[5],
                "safety_flag": bool(row[6]),
            }
            for row in rows
        ]

    def last_selfcheck_date(self) -> date | None:
        """The day of the latest self-check (a reminder is due four weeks after it)."""
        row = self.conn.execute("SELECT max(taken_on) FROM selfchecks").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None
