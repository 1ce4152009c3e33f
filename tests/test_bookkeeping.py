"""Exact bookkeeping (issue 19): the check-in, itemized notes, catch-up blocks and the plan agree
with what was written. Each case is one a user met over a simulated week; through the CLI."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker.store import Store

TODAY = "2026-11-22"  # the pinned clock: Sunday 22 Nov 2026, 18:00 UTC


def rows(home: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(home / "caughtup.db")
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def day_counts(home: Path, day: str) -> tuple[int, int]:
    """(notes of the day's sessions, how many of them are written)."""
    ((total, written),) = rows(
        home, "SELECT count(*), count(written_at) FROM items WHERE session_date = ?", day
    )
    return total, written


# -- itemized notes and the check-in ---------------------------------------------------------------


def test_an_itemized_note_takes_the_place_of_an_open_anonymous_one(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    run_json("log", "--sessions", "6", "--written", "3")
    added = run("add", "--date", TODAY, "--time", "09:00", "--client", "C7")
    assert added.exit_code == 0, added.output
    assert "takes the place of one of that day's open notes without details" in added.stdout
    assert run_json("status")["outstanding"] == 3
    assert day_counts(home, TODAY) == (6, 3)
    data = run_json("add", "--date", TODAY, "--type", "intake")
    assert isinstance(data["replaced_anonymous"], int) and data["extra_session"] is False
    assert run_json("status")["outstanding"] == 3
    refs = rows(home, "SELECT client_ref FROM items WHERE written_at IS NULL ORDER BY id")
    assert sorted(refs, key=str) == [("C7",), (None,), (None,)]
    # Re-logging the same totals keeps both itemized notes and still does not double.
    run_json("log", "--sessions", "6", "--written", "3")
    assert day_counts(home, TODAY) == (6, 3)
    assert run_json("status")["outstanding"] == 3


def test_a_note_beyond_the_check_in_is_a_session_more_and_says_so(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    run_json("log", "--date", "2026-11-21", "--sessions", "2", "--written", "2")
    added = run("add", "--date", "2026-11-21")
    assert "one session more than it listed" in added.stdout
    assert day_counts(home, "2026-11-21") == (3, 2)
    assert rows(home, "SELECT sessions, written FROM days WHERE day = '2026-11-21'") == [(3, 2)]
    run_json("log", "--date", "2026-11-21", "--sessions", "3", "--written", "2")
    assert day_counts(home, "2026-11-21") == (3, 2)


def test_an_ehr_import_places_written_for_written_and_open_for_open(
    run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    run_json("log", "--date", "2026-11-20", "--sessions", "4", "--written", "2")
    assert run_json("status")["outstanding"] == 2
    csv = tmp_path / "ehr.csv"
    csv.write_text(
        "Service Date,Signed,Client\n2026-11-20,2026-11-20 17:00,C1\n2026-11-20,,C2\n",
        encoding="utf-8",
    )
    report = run_json(
        "import", str(csv), "--map", 'date="Service Date",written=Signed,client=Client'
    )
    assert day_counts(home, "2026-11-20") == (4, 2)
    assert run_json("status")["outstanding"] == 2
    assert report["added"] == 2 and report["replaced_anonymous"] == 2
    assert rows(
        home,
        "SELECT client_ref, written_at IS NOT NULL FROM items WHERE source = 'item' ORDER BY id",
    ) == [("C1", 1), ("C2", 0)]


# -- log --cleared --------------------------------------------------------------------------------


@pytest.fixture
def ten_open(run_json: Callable[..., Any]) -> None:
    """Ten anonymous open notes from 16 and 17 Nov, and an itemized one from 18 Nov."""
    run_json("log", "--date", "2026-11-16", "--sessions", "5", "--written", "0")
    run_json("log", "--date", "2026-11-17", "--sessions", "5", "--written", "0")
    run_json("add", "--date", "2026-11-18", "--client", "C9")


def test_cleared_counts_the_notes_a_block_already_wrote_that_day(
    ten_open: None, run_json: Callable[..., Any], home: Path
) -> None:
    run_json("plan", "--notes-per-block", "4")
    block = run_json("block", "done")
    assert len(block["written_ids"]) == 4
    assert run_json("status")["outstanding"] == 7
    data = run_json("log", "--sessions", "0", "--written", "0", "--cleared", "5")
    assert run_json("status")["outstanding"] == 6
    assert data["already_written"] == 4 and len(data["cleared_ids"]) == 1
    assert data["cleared"] == 5
    # The one cleared by the count is anonymous: a note with a client reference is never guessed.
    ((source,),) = rows(home, "SELECT source FROM items WHERE id = ?", data["cleared_ids"][0])
    assert source == "count"
    # A smaller count: the block's notes stay written, the count's own one opens again.
    less = run_json("log", "--sessions", "0", "--written", "0", "--cleared", "2")
    assert less["reopened_ids"] == data["cleared_ids"] and less["cleared_ids"] == []
    assert less["cleared"] == 4
    assert run_json("status")["outstanding"] == 7
    # The same count again changes nothing: never cleared twice.
    again = run_json("log", "--sessions", "0", "--written", "0", "--cleared", "5")
    assert again["already_written"] == 4 and len(again["cleared_ids"]) == 1
    assert run_json("status")["outstanding"] == 6
    assert (
        run_json("log", "--sessions", "0", "--written", "0", "--cleared", "5")["cleared_ids"] == []
    )
    assert run_json("status")["outstanding"] == 6


def test_cleared_notes_are_written_now_or_at_the_end_of_a_backfilled_day(
    ten_open: None, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    now = run_json("log", "--sessions", "0", "--written", "0", "--cleared", "1")
    assert now["written_at"] == "2026-11-22 18:00:00+00:00"
    assert now["written_at_kind"] == "now"
    text = run("log", "--sessions", "0", "--written", "0", "--cleared", "2").stdout
    assert "Marked written now (18:00)." in text
    back = run_json(
        "log", "--date", "2026-11-20", "--sessions", "0", "--written", "0", "--cleared", "1"
    )
    assert back["written_at"] == "2026-11-20 23:59:00+00:00"
    assert back["written_at_kind"] == "end_of_day"
    text = run(
        "log", "--date", "2026-11-19", "--sessions", "0", "--written", "0", "--cleared", "1"
    ).stdout
    assert "Marked written at the end of Thu 19 Nov (23:59), as the day is back-filled." in text


def test_a_late_note_cleared_by_the_check_in_gets_its_notation(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    run_json("log", "--date", "2026-11-10", "--sessions", "1", "--written", "0")
    data = run_json("log", "--sessions", "0", "--written", "0", "--cleared", "1")
    ((item_id,),) = rows(home, "SELECT id FROM items")
    notation = (
        "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of 2026-11-10. "
        "Reason: Documentation delayed due to caseload volume."
    )
    assert data["notations"] == [{"id": item_id, "notation": notation, "client_ref": None}]
    assert rows(home, "SELECT notation FROM items") == [(notation,)]
    # Re-logging without it opens the note again and drops its notation.
    run_json("log", "--sessions", "0", "--written", "0", "--cleared", "0")
    assert rows(home, "SELECT written_at, notation FROM items") == [(None, None)]
    text = run("log", "--sessions", "0", "--written", "0", "--cleared", "1").stdout
    assert f"#{item_id}: {notation}" in text


# -- catch-up blocks ------------------------------------------------------------------------------


def test_block_done_suggests_a_listing_that_only_reads(
    ten_open: None, run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    run_json("plan", "--notes-per-block", "4")
    text = run("block", "done").stdout
    (suggested,) = re.findall(r"\(`(caughtup [^`]+)` lists them", text)
    assert suggested == "caughtup block show"
    before = digest(home)
    shown = run(*suggested.split()[1:])
    assert shown.exit_code == 0 and digest(home) == before
    listing = run_json(*suggested.split()[1:])
    assert digest(home) == before
    done = [b for b in listing["blocks"] if b["state"] == "done"]
    assert len(done) == 1 and len(done[0]["notations"]) == 4
    for row in done[0]["notations"]:
        assert row["notation"] in shown.stdout and row["notation"] in text


def test_block_done_takes_notes_in_triage_order_then_groups_them(
    run_json: Callable[..., Any],
) -> None:
    court = run_json("add", "--date", "2026-11-19", "--court")["id"]
    intake = run_json("add", "--date", "2026-11-20", "--type", "intake", "--billed")["id"]
    for day in range(13, 19):
        run_json("add", "--date", f"2026-11-{day}")
    plan = run_json("plan")
    assert plan["blocks"][0]["goal"] == "7 progress notes, 1 intake"
    data = run_json("block", "done", "--notes", "6")
    assert intake in data["written_ids"] and court in data["written_ids"]
    # Written grouped by type, in one frame of mind: the progress notes together.
    assert data["written_ids"][-1] == intake


def test_a_plan_never_schedules_a_block_that_has_started(
    run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-12-01T19:12")  # a Tuesday, after 16:00
    run_json("log", "--date", "2026-11-30", "--sessions", "4", "--written", "0")
    plan = run_json("plan", "--preview")
    assert plan["blocks"][0]["date"] == "2026-12-03"
    assert run_json("plan", "--start", "2026-12-01", "--preview")["blocks"][0]["date"] == (
        "2026-12-03"
    )
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-12-01T15:59")
    assert run_json("plan", "--preview")["blocks"][0]["date"] == "2026-12-01"


@pytest.fixture
def planned_monday(run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A sprint planned on Mon 30 Nov: blocks Tue 01 Dec, Thu 03 Dec, ..."""
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-30T12:00")
    run_json("log", "--date", "2026-11-27", "--sessions", "30", "--written", "0")
    blocks = run_json("plan", "--notes-per-block", "4")["blocks"]
    assert [b["date"] for b in blocks[:2]] == ["2026-12-01", "2026-12-03"]


def test_the_block_finished_is_todays_or_the_one_named(
    planned_monday: None,
    run: Callable[..., Result],
    run_json: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tuesday's block was skipped; Thursday's is done and logged that evening.
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-12-03T17:40")
    text = run("block", "done").stdout
    assert text.startswith("Block Thu 03 Dec 16:00 done: 4 notes")
    shown = run_json("block", "show")
    (done,) = [b for b in shown["blocks"] if b["state"] == "done"]
    assert (done["name"], done["date"]) == ("Thu 03 Dec 16:00", "2026-12-03")
    assert "Thu 03 Dec 16:00" in run("block", "show").stdout
    # Naming a block logs that one, however late.
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-12-08T09:00")
    data = run_json("block", "done", "--date", "2026-12-08")
    assert data["block"]["date"] == "2026-12-08" and data["block"]["name"] == "Tue 08 Dec 16:00"
    missing = run("block", "done", "--date", "2026-12-09")
    assert missing.exit_code == 2 and "no planned block on Wed 09 Dec 2026" in missing.stderr


def test_the_burndown_is_compared_with_the_plan_rebased_on_new_notes(
    run: Callable[..., Result], run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in (16, 17, 18):
        run_json("log", "--date", f"2026-11-{day}", "--sessions", "5", "--written", "0")
    run_json("plan", "--notes-per-block", "4")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-23T20:00")
    run_json("log", "--sessions", "6", "--written", "0")
    words = " ".join(run("trends", "--chart", "burndown").stdout.split())
    assert "behind" not in words
    assert "21 of 15 notes left after 1 day; 6 new notes joined since it began" in words
    assert "on the plan re-based on them" in words
    sprint = run_json("trends")["sprint"]
    assert sprint["arrived"] == 6
    assert ["2026-11-23", 21] in sprint["rebased"] and sprint["rebased"][-1] == ["2026-12-03", 6]


# -- plans that are true --------------------------------------------------------------------------


@pytest.fixture
def seventeen(run_json: Callable[..., Any]) -> None:
    run_json("log", "--date", "2026-11-20", "--sessions", "17", "--written", "0")


def test_inflow_fills_blocks_and_the_finish_comes_from_capacity_minus_inflow(
    seventeen: None, run_json: Callable[..., Any]
) -> None:
    plan = run_json("plan", "--inflow", "15", "--preview")
    # 90-minute blocks of 9-minute notes: 10 a block, 20 a week; 15 new a week leaves 5 a week
    # for the backlog, 2.5 a block: 17 notes take 7 blocks.
    assert plan["capacity_per_week"] == 20
    assert [len(b["item_ids"]) for b in plan["blocks"]] == [10, 7, 0, 0, 0, 0, 0]
    assert plan["finish_date"] == plan["blocks"][-1]["date"] == "2026-12-15"
    assert plan["blocks"][2]["goal"] == "new notes as they arrive (about 10)"


def test_inflow_over_capacity_still_schedules_the_most_urgent_and_says_it_grows(
    seventeen: None, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run_json("add", "--date", "2026-11-19", "--court")
    plan = run_json("plan", "--inflow", "25", "--preview")
    assert plan["finish_date"] is None
    assert [len(b["item_ids"]) for b in plan["blocks"]] == [10, 8]
    assert plan["blocks"][0]["goal"] == "10 progress notes"
    (warning,) = [w for w in plan["warnings"] if w["code"] == "inflow_outruns"]
    assert "the backlog grows at this pace" in warning["message"]
    assert "grows by about 5 a week" in warning["message"]
    assert "3 blocks a week would turn it" in warning["message"]
    text = run("plan", "--inflow", "25", "--preview").stdout
    assert "Tue 24 Nov 16:00  10 progress notes" in text and "Finish  none at this pace" in text


def test_a_missed_target_never_suggests_more_than_three_blocks_a_week(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    for day in (9, 10, 11, 12, 13, 16, 17, 18):
        run_json("log", "--date", f"2026-11-{day:02d}", "--sessions", "5", "--written", "0")
    text = run("plan", "--notes-per-block", "4", "--target", "2026-12-10", "--preview").stdout
    assert "4 blocks a week would do it" not in text
    assert "a later target such as Mon 14 Dec 2026 is the kinder plan" in text
    plan = run_json("plan", "--notes-per-block", "4", "--target", "2026-12-10", "--preview")
    assert plan["blocks_per_week_needed"] == 4
    assert plan["suggested_target"] == "2026-12-14"


def test_saving_the_day_again_unchanged_never_reopens_what_it_cleared(
    ten_open: None, run_json: Callable[..., Any], home: Path
) -> None:
    run_json("log", "--sessions", "0", "--written", "0", "--cleared", "2")
    run_json("plan", "--notes-per-block", "4")
    run_json("block", "done")
    assert run_json("status")["outstanding"] == 5
    # What the Today screen shows, and saves again as it is: the day's true cleared total.
    now = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    with Store.open(home, UTC) as store:
        day = store.day(now.date())
        assert day is not None and day.cleared == 6
        result = store.log_day(day, now)
    assert result["reopened_ids"] == [] and result["cleared_ids"] == []
    assert run_json("status")["outstanding"] == 5


def test_a_block_whose_notes_were_written_meanwhile_takes_the_most_urgent_others(
    ten_open: None, run_json: Callable[..., Any]
) -> None:
    first = run_json("plan", "--notes-per-block", "4")["blocks"][0]["item_ids"]
    run_json("done", *map(str, first))
    done = run_json("block", "done", "--date", "2026-11-24")
    assert len(done["written_ids"]) == 4 and not set(done["written_ids"]) & set(first)
    assert run_json("status")["outstanding"] == 11 - 8
