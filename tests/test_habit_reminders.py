"""The daily check-in reminder and the weekly review, through `caughtup remind` to a real HTTP
endpoint on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from tests.http_sink import serve


@pytest.fixture
def remind(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], dict[str, Any]]:
    def at(moment: str) -> dict[str, Any]:
        monkeypatch.setenv("CAUGHTUP_NOW", moment)
        run("status")  # remind needs a database: without one it exits 2 (cron's safeguard)
        result = run("remind", "--json")
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    return at


def test_checkin_reminder_once_when_due_not_after_a_checkin_nor_in_quiet_hours(
    run: Callable[..., Result], remind: Callable[[str], dict[str, Any]]
) -> None:
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        assert remind("2026-11-23T17:29")["sent"] == 0  # Monday, before notify.checkin_at
        due = remind("2026-11-23T17:30")
        assert [d["kind"] for d in due["deliveries"]] == ["checkin"]
        assert sink.messages[0]["title"] == "Today's check-in"
        assert sink.messages[0]["message"] == "Today's check-in: about 30 seconds."
        assert remind("2026-11-23T18:00")["sent"] == 0  # once a day
        # Tuesday: the check-in is logged before the time, so nothing is said.
        assert remind("2026-11-24T10:00")["sent"] == 0
        run("log", "--date", "2026-11-24", "--sessions", "3", "--written", "3")
        assert remind("2026-11-24T18:00")["sent"] == 0
        # Wednesday after 19:00 (quiet hours): not sent, and not held for the next morning.
        quiet = remind("2026-11-25T19:30")
        assert quiet["sent"] == 0 and quiet["due"] == []
        assert remind("2026-11-26T08:30")["sent"] == 0
        # Thursday evening, with Tuesday's check-in before it: the streak is said.
        remind("2026-11-26T17:45")
        assert sink.messages[-1]["message"] == (
            "Today's check-in: about 30 seconds (check-ins on 1 working day in a row)."
        )
        assert len(sink.messages) == 2
        # Saturday is no working day (and a weekend): nothing.
        assert remind("2026-11-28T18:00")["sent"] == 0
        run("config", "notify.checkin_reminder", "false")
        assert remind("2026-11-30T17:45")["sent"] == 0


def test_weekly_review_on_its_day_counts_only(
    run: Callable[..., Result], remind: Callable[[str], dict[str, Any]]
) -> None:
    remind("2026-11-26T10:00")  # Thursday: logs the week so far
    for day, written in (("2026-11-23", "4"), ("2026-11-24", "3"), ("2026-11-25", "4")):
        assert run("log", "--date", day, "--sessions", "4", "--written", written).exit_code == 0
    run("add", "--date", "2026-11-26", "--time", "09:00", "--client", "QZ81")
    with serve() as sink:
        run("config", "notify.urls", sink.url())
        remind("2026-11-27T09:00")
        run("log", "--date", "2026-11-27", "--sessions", "0", "--written", "0")
        first = remind("2026-11-27T17:45")  # the open notes are past the rule: said apart
        assert "review" not in [d["kind"] for d in first["deliveries"]]  # off by default
        run("config", "notify.weekly_review", "true")
        sent = remind("2026-11-27T17:45")
        assert [d["kind"] for d in sent["deliveries"]] == ["review"]
        assert sink.messages[-1]["message"] == (
            "This week: 11 of 13 notes within 24 hours, streak 0 working days, strength 10, "
            "2 outstanding."
        )
        assert remind("2026-11-27T18:15")["sent"] == 0  # once
        run("config", "notify.weekly_review_day", "mon")
        monday = remind("2026-11-30T17:30")  # due with the check-in reminder: one message for both
        assert "review" in monday["deliveries"][0]["kinds"]
        assert "This week:" in sink.messages[-1]["message"]
    assert not any(b"QZ81" in body for body in sink.raw)
