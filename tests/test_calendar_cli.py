"""`caughtup calendar import/sync`, `log` from the calendar and `remind` syncing first, with real
SQLite files and a real HTTP server on 127.0.0.1 serving the feed (never the internet)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tests.http_sink import Page, serve
from tracker.paths import DB_NAME

CALENDARS = Path(__file__).parent / "calendars"
PRACTICE = (CALENDARS / "practice.ics").read_bytes()
TOKEN = "priv-7c1e9a55d3b4f20e"
# Every name, place and detail the practice feed's titles and descriptions hold.
PRIVATE = [
    b"Jane Doe",
    b"Robert Smith",
    b"Emily",
    b"Zhang",
    b"Whitaker",
    b"Maria Garcia",
    b"Lopez",
    b"DBT",
    b"William Johnson",
    b"Telehealth",
    b"Acme",
    b"555-0101",
    b"Phone check-in",
]


@pytest.fixture
def chicago(run: Callable[..., Result]) -> None:
    assert run("config", "timezone", "America/Chicago").exit_code == 0


def rows(home: Path, sql: str, *args: object) -> list[dict[str, Any]]:
    conn = sqlite3.connect(home / DB_NAME)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def day_items(home: Path, day: str) -> list[dict[str, Any]]:
    return rows(home, "SELECT * FROM items WHERE session_date = ? ORDER BY id", day)


def test_a_practice_feed_imports_once_and_no_title_reaches_the_database(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, chicago: None
) -> None:
    assert run("config", "calendar.client_ref", r"^(C-\d+) ").exit_code == 0
    path = str(CALENDARS / "practice.ics")
    preview = run_json("calendar", "import", path, "--preview")
    assert (preview["taken"], preview["added"], preview["skipped_by_reason"]) == (
        10,
        10,
        {"cancelled": 1},
    )
    assert not (home / "caughtup.db").exists() or run_json("status")["outstanding"] == 0
    first = run_json("calendar", "import", path)
    assert (first["added"], first["unchanged"]) == (10, 0)
    again = run_json("calendar", "import", path)
    assert (again["added"], again["moved"], again["removed"], again["unchanged"]) == (0, 0, 0, 10)
    intake = day_items(home, "2026-10-27")
    assert [(i["session_time"], i["minutes"], i["note_type"], i["cpt"], i["client_ref"])
            for i in intake] == [("11:00", 60, "intake", "90837", "C-2077")]  # fmt: skip
    assert intake[0]["source"] == "calendar" and intake[0]["import_key"].startswith("cal:")
    text = run("calendar", "import", path).output
    assert "nothing to change" in text.lower()
    stored = b"".join(p.read_bytes() for p in home.iterdir() if p.is_file())
    assert b"C-2077" in stored  # the reference the user asked for is there; titles are not
    assert [name for name in PRIVATE if name in stored] == []
    printed = "".join(run(*a).output for a in [("backlog",), ("calendar", "import", path)])
    assert not any(name.decode() in printed for name in PRIVATE)


def test_a_feed_url_syncs_moves_removes_and_keeps_what_is_yours(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, chicago: None
) -> None:
    with serve() as sink:
        path = f"/cal/{TOKEN}/basic.ics"
        sink.pages[path] = Page(PRACTICE)
        url = f"http://127.0.0.1:{sink.port}{path}"
        assert run("config", "calendar.source", url).exit_code == 0
        shown = run("config", "calendar.source").output
        assert TOKEN not in shown and "http://" in shown
        assert run_json("calendar", "sync")["added"] == 10
        # 26 Oct moves to the 28th, 27 Oct is deleted, 13 Nov is cancelled; the 16 Nov series
        # session was written; the 12 Nov group was edited by the user.
        ids = {
            i["session_date"]: i["id"]
            for d in ("2026-11-16", "2026-11-12")
            for i in day_items(home, d)
        }
        assert run("done", str(ids["2026-11-16"])).exit_code == 0
        assert run("edit", str(ids["2026-11-12"]), "--court").exit_code == 0
        changed = (
            PRACTICE.replace(b"DTSTART:20261026T150000Z", b"DTSTART:20261028T150000Z")
            .replace(b"DTEND:20261026T155300Z", b"DTEND:20261028T155300Z")
            .replace(b"UID:appt-88122@practice.example", b"UID:appt-gone@practice.example")
            .replace(b"DTSTART:20261027T160000Z", b"DTSTART:20261227T160000Z")
            .replace(b"DTEND:20261027T170000Z", b"DTEND:20261227T170000Z")
            .replace(b"SUMMARY:Phone check-in", b"STATUS:CANCELLED\nSUMMARY:Phone check-in")
            .replace(b"EXDATE:20261102T200000Z", b"EXDATE:20261102T200000Z,20261116T200000Z")
            .replace(b"SUMMARY:Group: Thursday", b"STATUS:CANCELLED\nSUMMARY:Group: Thursday")
        )
        sink.pages[path] = Page(changed)
        result = run("calendar", "sync", "--json")
        assert TOKEN not in result.output
        doc = json.loads(result.stdout)
        assert (doc["added"], doc["moved"], doc["removed"]) == (0, 1, 2)
        assert doc["removed_by_reason"] == {"gone": 1, "cancelled": 1}
        assert doc["kept"] == {"outside_feed": 0, "written": 1, "edited": 1}
        assert [i["session_time"] for i in day_items(home, "2026-10-28")] == ["10:00"]
        assert day_items(home, "2026-10-27") == []
        assert len(sink.fetched) == 2
        words = run("calendar", "sync", "--preview").output
        assert "Nothing to change." in words and TOKEN not in words


@pytest.mark.parametrize(
    ("page", "says"),
    [
        (Page(b"<html><body>Sign in</body></html>", 200, "text/html"), "web page (HTML)"),
        (Page(b"gone", 404, "text/plain"), "answered HTTP 404"),
        (Page(PRACTICE[: len(PRACTICE) // 2]), "is cut short"),
        (Page(b"Name,Date\nJane,2026-11-02\n"), "not an iCalendar"),
    ],
    ids=["html", "404", "truncated", "csv"],
)
def test_a_bad_feed_is_one_line_exit_2_and_nothing_changes(
    run: Callable[..., Result], home: Path, page: Page, says: str
) -> None:
    with serve() as sink:
        sink.pages["/feed.ics"] = Page(PRACTICE)
        assert (
            run("config", "calendar.source", f"http://127.0.0.1:{sink.port}/feed.ics").exit_code
            == 0
        )
        assert run("calendar", "sync").exit_code == 0
        before = digest(home)
        sink.pages["/feed.ics"] = page
        result = run("calendar", "sync")
    assert result.exit_code == 2, result.output
    assert says in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert digest(home) == before


def test_a_bad_file_or_no_source_is_one_line_exit_2(
    run: Callable[..., Result], home: Path, tmp_path: Path
) -> None:
    assert run("calendar", "sync").exit_code == 2
    assert "calendar.source" in run("calendar", "sync").stderr
    bad = tmp_path / "notes.ics"
    bad.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026")
    run("status")
    before = digest(home)
    result = run("calendar", "import", str(bad))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert digest(home) == before
    bad_pattern = run("config", "calendar.client_ref", "C-(")
    assert bad_pattern.exit_code == 2 and "regular expression" in bad_pattern.stderr


def test_count_logs_and_the_calendar_reconcile_to_one_item_per_session(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, chicago: None
) -> None:
    day = "2026-10-26"  # two sessions in the practice feed
    logged = run_json("log", "--date", day, "--sessions", "2", "--written", "1")
    assert logged["anonymous_items"] == 2
    path = str(CALENDARS / "practice.ics")
    assert run("config", "calendar.source", path).exit_code == 0
    assert run_json("calendar", "sync")["added"] == 10
    items = day_items(home, day)
    assert sorted((i["source"], i["written_at"] is not None) for i in items) == [
        ("calendar", False),
        ("calendar", True),
    ]
    # --written alone: the sessions come from the calendar, and both notes are now written
    again = run_json("log", "--date", day, "--written", "2")
    assert again["anonymous_items"] == 0
    items = day_items(home, day)
    assert len(items) == 2 and all(i["written_at"] for i in items)
    assert rows(home, "SELECT sessions, written FROM days") == [{"sessions": 2, "written": 2}]
    # a day the calendar has no session on and no --sessions: said, exit 2
    missing = run("log", "--date", "2026-10-25", "--written", "1")
    assert missing.exit_code == 2 and "--written" in missing.stderr


def test_remind_syncs_first_and_a_failed_fetch_is_reported_once_without_stopping_it(
    run: Callable[..., Result], run_json: Callable[..., Any], chicago: None
) -> None:
    with serve() as sink:
        sink.pages["/feed.ics"] = Page(PRACTICE)
        assert (
            run("config", "calendar.source", f"http://127.0.0.1:{sink.port}/feed.ics").exit_code
            == 0
        )
        run_json("status")  # remind needs a database: without one it exits 2 (cron's safeguard)
        first = run_json("remind")
        assert first["calendar"] == {"ok": True, "added": 10, "moved": 0, "removed": 0}
        assert run_json("status")["outstanding"] == 10
        sink.pages["/feed.ics"] = Page(b"nope", 503, "text/plain")
        failed = run("remind")
        assert failed.exit_code == 0
        assert re.search(r"Calendar not synced: .*HTTP 503", failed.output)
        assert "No notification URLs set" in failed.output  # the reminders still ran
        assert "Calendar not synced" not in run("remind").output  # said once
        assert run_json("status")["outstanding"] == 10
