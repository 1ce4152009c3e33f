"""The sprint end to end through the CLI: plan, block done, pace, re-plan, calendar export."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker import sprint as sp
from tracker.burndown import burndown

PLAN_KEYS = {"blocks", "finish_date", "meets_target", "blocks_per_week_needed", "warnings"}


@pytest.fixture
def forty(run: Callable[..., Result]) -> None:
    for day in (9, 10, 11, 12, 13, 16, 17, 18):
        result = run("log", "--date", f"2026-11-{day:02d}", "--sessions", "5", "--written", "0")
        assert result.exit_code == 0, result.output


def test_plan_json_shape_and_the_forty_note_example(
    forty: None, run_json: Callable[..., Any]
) -> None:
    data = run_json("plan", "--notes-per-block", "4", "--blocks-per-week", "2")
    assert set(data) >= PLAN_KEYS
    assert len(data["blocks"]) == 10
    first = data["blocks"][0]
    assert set(first) >= {"date", "start", "minutes", "item_ids", "goal"}
    assert (first["date"], first["start"], first["minutes"]) == ("2026-11-24", "16:00", 90)
    assert first["goal"] == "4 progress notes" and len(first["item_ids"]) == 4
    assert data["finish_date"] == "2026-12-24"
    assert data["meets_target"] is None
    assert data["warnings"] == []
    assert data["outstanding"] == 40
    assert data["inflow"]["source"] == "default" and data["inflow"]["per_week"] == 0
    # All 40 slipped past 24 hours within the last 4 weeks: 10 a week, 2 more than capacity.
    assert data["inflow"]["measured_per_week"] == 10
    assert data["inflow"]["finish_at_measured"] is None
    assert data["sprint"]["saved"] is True and data["sprint"]["start_outstanding"] == 40
    # Choices stay with the sprint: a bare re-plan keeps 4 a block.
    again = run_json("plan")
    assert len(again["blocks"]) == 10 and again["sprint"]["id"] == data["sprint"]["id"]


def test_plan_in_words(forty: None, run: Callable[..., Result]) -> None:
    out = run("plan", "--notes-per-block", "4", "--target", "2026-12-18").stdout
    assert "Tue 24 Nov 16:00  4 progress notes" in out
    assert "Finish  Thu 24 Dec 2026 (10 blocks over 5 weeks)" in out
    assert "Target  Fri 18 Dec 2026: not met; 3 blocks a week would do it" in out
    assert "new notes are written within 24 hours from now on" in out
    assert "10 notes a week slipped past 24 hours; at that rate it would never finish" in out


def test_inflow_recent_uses_the_measured_rate_and_never_prints_a_date(
    forty: None, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    data = run_json("plan", "--notes-per-block", "4", "--inflow", "recent", "--preview")
    assert data["inflow"] == {
        "per_week": 10.0,
        "measured_per_week": 10.0,
        "finish_at_measured": None,
        "source": "recent",
    }
    # The blocks are still planned (most urgent first); only the finish date is missing.
    assert data["finish_date"] is None and len(data["blocks"]) == 10
    (w,) = [w for w in data["warnings"] if w["code"] == "inflow_outruns"]
    assert "grows by about 2 a week" in w["message"]
    out = run("plan", "--notes-per-block", "4", "--inflow", "recent", "--preview").stdout
    assert (
        "Finish  none at this pace" in out and "2026" not in out.split("Finish")[1].split("\n")[0]
    )


def test_block_done_marks_notes_learns_pace_and_replans(
    forty: None, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    plan = run_json("plan", "--notes-per-block", "4")
    block = plan["blocks"][0]
    done = run_json("block", "done", "--notes", "3", "--minutes", "45")
    assert done["written_ids"] == block["item_ids"][:3]
    assert done["remaining"] == 37
    # Predicted 3 x 9 = 27 minutes, took 45: seen 15 a note; (9 x 4 + 15 x 3) / 7 = 11.57.
    assert done["pace"] == {"progress": 11.6}
    assert len(done["late_entries"]) == 3
    after = done["plan"]
    assert after["parameters"]["minutes_per_type"]["progress"] == 11.6
    # Tuesday's block was done (worked ahead, on Sunday): its day gets no second block.
    assert done["block"]["date"] == "2026-11-24"
    assert after["parameters"]["start"] == "2026-11-22"
    assert after["blocks"][0]["date"] == "2026-11-26"
    assert after["blocks"][0]["item_ids"][0] == block["item_ids"][3]
    assert after["sprint"]["blocks_done"] == 1 and after["sprint"]["notes_cleared"] == 3
    assert run_json("status")["outstanding"] == 37
    # A second, faster block pulls the estimate back towards the user's pace.
    second = run_json("block", "done", "--notes", "4", "--minutes", "28")
    assert 9 < second["pace"]["progress"] < 11.6


def test_block_done_with_explicit_ids(forty: None, run_json: Callable[..., Any]) -> None:
    plan = run_json("plan", "--notes-per-block", "4")
    ids = plan["blocks"][3]["item_ids"][:2]
    done = run_json("block", "done", *map(str, ids))
    assert done["written_ids"] == ids
    assert done["minutes"] == 90


def test_a_p1_note_added_mid_sprint_goes_into_the_next_block(
    forty: None, run_json: Callable[..., Any]
) -> None:
    run_json("plan", "--notes-per-block", "4")
    run_json("block", "done")
    court = run_json("add", "--date", "2026-11-21", "--court")
    # The next re-plan (here `plan`; a finished block or the Sprint screen also re-plan).
    data = run_json("plan")
    assert data["blocks"][0]["item_ids"][0] == court["id"]
    assert data["blocks"][0]["goal"] == "4 progress notes"
    ids = [i for b in data["blocks"] for i in b["item_ids"]]
    assert len(ids) == len(set(ids)) == 37


def test_the_sprint_ends_when_everything_is_written(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    run("log", "--date", "2026-11-18", "--sessions", "3", "--written", "0")
    run_json("plan")
    done = run_json("block", "done")
    assert done["remaining"] == 0
    assert done["plan"]["sprint"]["ended"] is True
    assert run("block", "done").exit_code == 2
    # A new backlog starts a new sprint.
    run("log", "--date", "2026-11-20", "--sessions", "2", "--written", "0")
    assert run_json("plan")["sprint"]["start_outstanding"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "--target", "2026-11-01"), "--target 2026-11-01 is before the start"),
        (("plan", "--start", "2026-11-01"), "--start 2026-11-01 is in the past"),
        (("plan", "--inflow", "-1"), "--inflow must be a number of notes a week"),
        (("plan", "--days", "tue,xyz"), "--days must be weekdays"),
        (("plan", "--days", "tue", "--blocks-per-week", "2"), "does not match --days"),
        (("plan", "--blocks-per-week", "9"), "--blocks-per-week must be 1 to 7, got 9"),
        (("plan", "--strategy", "oldest"), "strategy"),
        (("plan", "--ics", "/nonexistent/x.ics"), "does not exist"),
        (("block", "done", "--notes", "41"), "more than the 40 outstanding notes"),
        (("block", "done", "999"), "item 999 is not an outstanding note"),
        (("block", "done", "1", "--notes", "1"), "either item ids or --notes"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(
    forty: None,
    run: Callable[..., Result],
    home: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    run("plan")
    before = digest(home)
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(home) == before


def test_block_done_without_a_sprint(run: Callable[..., Result], home: Path) -> None:
    result = run("block", "done")
    assert result.exit_code == 2 and "no current sprint" in result.stderr


def test_preview_saves_nothing(forty: None, run: Callable[..., Result], home: Path) -> None:
    run("status")
    before = digest(home)
    assert run("plan", "--preview", "--json").exit_code == 0
    assert digest(home) == before


def test_recalibrate_is_a_capped_weighted_average() -> None:
    current = {"progress": 9.0, "intake": 20.0}
    new = sp.recalibrate(current, {}, {"progress": 2, "intake": 1}, 76)
    # Predicted 38, took 76: twice as slow. Progress (9*4 + 18*2) / 6 = 12; intake 24.
    assert new == {"progress": (12.0, 6.0), "intake": (24.0, 5.0)}
    settled = sp.recalibrate({"progress": 12.0}, {"progress": (12.0, 20.0)}, {"progress": 4}, 24)
    assert settled["progress"][1] == 20.0  # the weight is capped: recent blocks keep counting
    assert sp.recalibrate(current, {}, {"progress": 0}, 30) == {}


def test_burndown_has_the_first_plan_and_what_happened(
    forty: None, run_json: Callable[..., Any], home: Path
) -> None:
    run_json("plan", "--notes-per-block", "4")
    run_json("block", "done")
    from tracker.store import Store

    with Store.open(home, ZoneInfo("UTC")) as store:
        sprint = store.current_sprint()
        assert sprint is not None
        done = [b for b in store.sprint_blocks(sprint.id) if b.done_at]
        planned, actual = burndown(sprint, done, date(2026, 11, 22), 36)
    assert planned[0] == (date(2026, 11, 22), 40) and planned[-1] == (date(2026, 12, 24), 0)
    assert len(planned) == 11
    assert actual == [(date(2026, 11, 22), 40), (date(2026, 11, 22), 36)]


# -- the calendar export, read back by an independent RFC 5545 parser ----------------------------


def parse_ics(raw: bytes) -> list[dict[str, tuple[dict[str, str], str]]]:
    """A strict reader: CRLF lines of at most 75 octets, unfolding, nested BEGIN/END."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), "lines must be folded at 75 octets"
    assert b"\n" not in b"".join(physical)
    lines: list[str] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            lines[-1] += line[1:].decode("utf-8")
        else:
            lines.append(line.decode("utf-8"))
    stack: list[str] = []
    events: list[dict[str, tuple[dict[str, str], str]]] = []
    current: dict[str, tuple[dict[str, str], str]] | None = None
    for line in lines:
        head, sep, value = line.partition(":")
        assert sep, f"no value in {line!r}"
        name, *raw_params = head.split(";")
        params = dict(p.split("=", 1) for p in raw_params)
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                assert current is not None
                events.append(current)
                current = None
        elif current is not None and stack[-1] == "VEVENT":
            current[name] = (params, value)
    assert stack == []
    return events


def text(prop: tuple[dict[str, str], str]) -> str:
    """An RFC 5545 TEXT value, unescaped."""
    out, chars = [], iter(prop[1])
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def local(prop: tuple[dict[str, str], str]) -> datetime:
    params, value = prop
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.replace(tzinfo=ZoneInfo(params["TZID"]))


def test_ics_export_parses_back_one_event_per_block_at_local_times(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    run("config", "timezone", "America/Chicago")
    for n in range(6):
        run("add", "--date", f"2026-11-{10 + n}", "--client", f"ZX{n}9", "--type", "intake")
    run("log", "--date", "2026-11-19", "--sessions", "4", "--written", "0")
    path = tmp_path / "sprint.ics"
    data = run_json("plan", "--days", "mon,wed", "--block-minutes", "60", "--ics", str(path))
    assert (path.stat().st_mode & 0o777) == 0o600
    raw = path.read_bytes()
    assert b"ZX" not in raw  # never a client reference
    events = parse_ics(raw)
    # Newest first inside the tier: 4 progress notes and an intake fill 56 of 60 minutes.
    assert len(events) == len(data["blocks"]) == data["ics"]["events"] == 3
    chicago = ZoneInfo("America/Chicago")
    for event, block in zip(events, data["blocks"], strict=True):
        begin, end = local(event["DTSTART"]), local(event["DTEND"])
        assert event["DTSTART"][0]["TZID"] == "America/Chicago"
        assert begin.astimezone(chicago).replace(tzinfo=None) == datetime.fromisoformat(
            f"{block['date']}T16:00"
        )
        assert end - begin == timedelta(minutes=60)
        assert text(event["SUMMARY"]) == f"Catch-up block: {block['goal']}"
        assert "ZX" not in text(event["DESCRIPTION"])
    assert text(events[0]["SUMMARY"]) == "Catch-up block: 4 progress notes, 1 intake"
    assert text(events[1]["SUMMARY"]) == "Catch-up block: 3 intakes"
    uids = [e["UID"][1] for e in events]
    assert len(set(uids)) == 3
    # A re-export after a finished block updates the events of the blocks still planned (same
    # UIDs, later SEQUENCE); the done block's slot (worked ahead) is no longer kept.
    run_json("block", "done")
    run_json("plan", "--ics", str(path))
    again = {e["UID"][1]: e for e in parse_ics(path.read_bytes())}
    assert set(uids[1:]) <= set(again)
    assert int(again[uids[1]]["SEQUENCE"][1]) > int(events[1]["SEQUENCE"][1])
    assert again[uids[0]]["STATUS"][1] == "CANCELLED"


def test_a_re_plan_cancels_the_events_of_blocks_it_moved_or_dropped(
    forty: None, run: Callable[..., Result], run_json: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "sprint.ics"

    def export(*args: str) -> tuple[dict[str, int], dict[str, int]]:
        """Each event's SEQUENCE by UID: the planned ones, and the cancelled ones."""
        data = run_json("plan", *args, "--ics", str(path))
        events = parse_ics(path.read_bytes())
        planned, cancelled = {}, {}
        for e in events:
            is_cancelled = e.get("STATUS", ({}, ""))[1] == "CANCELLED"
            (cancelled if is_cancelled else planned)[e["UID"][1]] = int(e["SEQUENCE"][1])
        assert data["ics"] == {
            "path": str(path),
            "events": len(planned),
            "cancelled": len(cancelled),
        }
        return planned, cancelled

    tue_thu, none = export("--notes-per-block", "4")
    assert len(tue_thu) == 10 and none == {}
    # Moved to Mondays and Wednesdays: all ten Tuesday and Thursday events are cancelled, each
    # with a later SEQUENCE than it was written with.
    mon_wed, cancelled = export("--days", "mon,wed")
    assert len(mon_wed) == 10 and not set(mon_wed) & set(tue_thu)
    assert set(cancelled) == set(tue_thu)
    assert all(cancelled[uid] > tue_thu[uid] for uid in tue_thu)
    # Monday's block logged done early (on Sunday): that slot is used, so the re-plan leaves
    # Monday free and its event is cancelled (the time is free again). The old ones stay so.
    done = run_json("block", "done")["block"]["date"].replace("-", "")
    after, cancelled = export()
    assert not any(f"-{done}-" in uid for uid in after)
    assert any(f"-{done}-" in uid for uid in cancelled)
    assert set(cancelled) == set(tue_thu) | (set(mon_wed) - set(after))
    # A preview changes nothing: no cancellations in its file, none remembered.
    run_json("plan", "--days", "tue", "--preview", "--ics", str(tmp_path / "preview.ics"))
    preview = parse_ics((tmp_path / "preview.ics").read_bytes())
    assert all("STATUS" not in e for e in preview)
    # A new sprint cancels what is left of the old one's blocks.
    out = run("plan", "--new", "--ics", str(path)).stdout
    fresh = parse_ics(path.read_bytes())
    gone = {e["UID"][1] for e in fresh if "STATUS" in e}
    assert set(after) <= gone and not {e["UID"][1] for e in fresh if "STATUS" not in e} & gone
    assert f"and {len(gone)} cancelled for blocks no longer planned." in out
    assert all("ZX" not in e["SUMMARY"][1] for e in fresh)


def test_a_block_whose_time_came_is_never_cancelled(
    forty: None,
    run_json: Callable[..., Any],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "sprint.ics"
    run_json("plan", "--notes-per-block", "4", "--ics", str(path))
    # Tuesday 17:00: the 16:00 block was not logged; the sprint moves to Mondays and Wednesdays.
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-24T17:00")
    with sqlite3.connect(home / "caughtup.db") as conn:  # an unreadable record is passed over
        conn.execute("INSERT INTO state VALUES ('ics_exported:99', '{\"uid\": 1')")
    data = run_json("plan", "--days", "mon,wed", "--ics", str(path))
    cancelled = [e for e in parse_ics(path.read_bytes()) if "STATUS" in e]
    starts = sorted(local(e["DTSTART"]).date() for e in cancelled)
    assert data["ics"]["cancelled"] == len(cancelled) == 9
    assert starts[0] == date(2026, 11, 26)  # the Tuesday 16:00 block keeps its event
    assert all(text(e["SUMMARY"]) == "Cancelled: catch-up block" for e in cancelled)


def test_sprint_tables_survive_a_reopen(
    forty: None, run_json: Callable[..., Any], home: Path
) -> None:
    run_json("plan", "--notes-per-block", "4")
    conn = sqlite3.connect(home / "caughtup.db")
    (count,) = conn.execute("SELECT count(*) FROM sprint_blocks").fetchone()
    params = json.loads(conn.execute("SELECT params FROM sprints").fetchone()[0])
    conn.close()
    assert count == 10 and params == {"notes_per_block": 4}
