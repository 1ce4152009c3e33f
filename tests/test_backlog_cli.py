"""`caughtup edit`, `backlog`, and the JSON of `backlog`, `status` and `done`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker import checklists
from tracker.errors import InputError
from tracker.store import Store

BACKLOG_FIELDS = [
    "id",
    "tier",
    "note_type",
    "session_date",
    "age_days",
    "due",
    "breach",
    "blocked_on",
    "past_payer_window",
    "client_ref",
]


def _add(run_json: Callable[..., Any], *args: str) -> int:
    item_id: int = run_json("add", *args)["id"]
    return item_id


@pytest.fixture
def mixed(run: Callable[..., Result], run_json: Callable[..., Any]) -> dict[str, int]:
    """A mixed backlog on Sunday 2026-11-22 18:00 (UTC), one item of each kind."""
    assert run("config", "rules.payer_window_days", "30").exit_code == 0
    ids = {
        "routine_old": _add(run_json, "--date", "2026-11-10", "--type", "case_note"),
        "billed_closed": _add(run_json, "--date", "2026-10-05", "--billed"),
        "billed_open": _add(
            run_json, "--date", "2026-11-17", "--time", "14:00", "--billed", "--client", "C7"
        ),
        "court": _add(run_json, "--date", "2026-11-19", "--type", "court_report", "--court"),
        "risk": _add(run_json, "--date", "2026-11-21", "--time", "10:00", "--high-risk"),
        "admin": _add(run_json, "--date", "2026-11-22", "--type", "admin", "--admin"),
        "fresh": _add(run_json, "--date", "2026-11-22", "--time", "09:00", "--type", "intake"),
        "blocked": _add(run_json, "--date", "2026-11-03", "--blocked-on", "result"),
        "written": _add(run_json, "--date", "2026-11-20"),
    }
    run_json("done", str(ids["written"]))
    return ids


def test_backlog_json_fields_and_triage_order(
    mixed: dict[str, int], run_json: Callable[..., Any]
) -> None:
    items = run_json("backlog")["items"]
    assert all(list(row) == BACKLOG_FIELDS for row in items)
    order = [row["id"] for row in items]
    m = mixed
    assert order == [
        m["court"],
        m["billed_open"],
        m["billed_closed"],
        m["risk"],
        m["fresh"],
        m["routine_old"],
        m["admin"],
        m["blocked"],
    ]
    by_id = {row["id"]: row for row in items}
    assert m["written"] not in by_id
    assert by_id[m["billed_open"]] == {
        "id": m["billed_open"],
        "tier": 2,
        "note_type": "progress",
        "session_date": "2026-11-17",
        "age_days": 5,
        "due": "2026-11-18T14:00+00:00",
        "breach": True,
        "blocked_on": None,
        "past_payer_window": False,
        "client_ref": "C7",
    }
    assert by_id[m["billed_closed"]]["past_payer_window"] is True
    assert by_id[m["court"]]["due"] == "2026-11-21T00:00+00:00"
    assert by_id[m["fresh"]]["breach"] is False
    assert by_id[m["blocked"]]["blocked_on"] == "result"
    assert [row["tier"] for row in items[:-1]] == [1, 2, 2, 3, 4, 4, 5]


def test_backlog_filters_and_grouping(mixed: dict[str, int], run_json: Callable[..., Any]) -> None:
    assert [r["tier"] for r in run_json("backlog", "--tier", "2")["items"]] == [2, 2]
    both = run_json("backlog", "--tier", "1", "--tier", "5")["items"]
    assert [r["id"] for r in both] == [mixed["court"], mixed["admin"]]
    intake = run_json("backlog", "--type", "intake")["items"]
    assert [r["id"] for r in intake] == [mixed["fresh"]]
    # The blocked item is a progress note of tier 4: filters apply to it too.
    progress = run_json("backlog", "--type", "progress", "--tier", "4")["items"]
    assert [r["id"] for r in progress] == [mixed["blocked"]]
    grouped = [r["note_type"] for r in run_json("backlog", "--by-type")["items"]]
    assert grouped == [
        "court_report",
        "progress",
        "progress",
        "progress",
        "intake",
        "case_note",
        "admin",
        "progress",  # the blocked one, after the list
    ]


def test_backlog_human_marks_and_blocked_apart(
    mixed: dict[str, int], run: Callable[..., Result]
) -> None:
    out = run("backlog").stdout
    assert "Outstanding 7: P1 1 · P2 2 · P3 1 · P4 2 · P5 1 · blocked 1" in out
    assert "backlog 1 to 3 weeks" not in out  # the oldest outstanding is 48 days
    assert "over 3 weeks" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()[:1].isdigit()}
    closed = lines[str(mixed["billed_closed"])]
    assert "past due" in closed and "payer window closed" in closed and "late entry" in closed
    assert "Wed 18 Nov 14:00" in lines[str(mixed["billed_open"])]
    assert "Fri 20 Nov 24:00" in lines[str(mixed["court"])]  # date-only: end of the next day
    assert "past due" not in lines[str(mixed["fresh"])]
    waiting = out.split("Waiting on others (1)")[1]
    assert f"{mixed['blocked']}  P4" in waiting and "19d old" in waiting
    assert "waiting 0d" in waiting and "chase it" not in waiting
    grouped = run("backlog", "--by-type").stdout
    assert "-- progress (3)" in grouped and "-- court_report (1)" in grouped


def test_backlog_empty_and_filtered_empty(run: Callable[..., Result]) -> None:
    assert "you are caught up" in run("backlog").stdout
    run("add", "--date", "2026-11-22")
    assert "No outstanding notes match" in run("backlog", "--tier", "1").stdout


def _stored(home: Path, item_id: int) -> Any:
    with Store.open(home, UTC) as store:
        return store.item(item_id)


def test_edit_sets_and_clears_flags(home: Path, run_json: Callable[..., Any]) -> None:
    item_id = _add(
        run_json, "--date", "2026-11-17", "--time", "14:00", "--billed", "--client", "C7"
    )
    out = run_json(
        "edit", str(item_id), "--no-billed", "--court", "--type", "intake", "--no-client"
    )
    assert out["changed"] == ["note_type", "client_ref", "billed", "court"]
    assert out["tier"] == 1 and out["note_type"] == "intake"
    item = _stored(home, item_id)
    assert (item.billed, item.court, item.client_ref, item.note_type) == (
        False,
        True,
        None,
        "intake",
    )
    out = run_json("edit", str(item_id), "--no-time", "--date", "2026-11-18", "--no-court")
    assert out["due"] == "2026-11-20T00:00+00:00" and out["tier"] == 4
    assert run_json("edit", str(item_id), "--no-court")["changed"] == []


def test_edit_blocking_and_unblocking_moves_blocked_since(
    home: Path, run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = _add(run_json, "--date", "2026-11-10")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-12T09:00")
    run_json("edit", str(item_id), "--blocked-on", "referral")
    assert _stored(home, item_id).blocked_since == datetime(2026, 11, 12, 9, tzinfo=UTC)
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-22T18:00")
    st = run_json("status")
    assert st["blocked"] == 1 and st["outstanding"] == 0 and st["chase"] == 1
    assert st["blocked_items"] == [
        {
            "id": item_id,
            "note_type": "progress",
            "blocked_on": "referral",
            "age_days": 12,
            "waiting_days": 10,
            "chase": True,
        }
    ]
    # Another blocker starts a new wait; `none` unblocks and clears it.
    run_json("edit", str(item_id), "--blocked-on", "result")
    assert _stored(home, item_id).blocked_since == datetime(2026, 11, 22, 18, tzinfo=UTC)
    assert run_json("status")["chase"] == 0
    out = run_json("edit", str(item_id), "--blocked-on", "none")
    assert out["blocked_on"] is None
    item = _stored(home, item_id)
    assert item.blocked_on is None and item.blocked_since is None
    assert run_json("status")["outstanding"] == 1


EDIT_BAD = [
    (["edit", "1"], "nothing to change"),
    (["edit", "1", "--time", "10:00", "--no-time"], "--time or --no-time"),
    (["edit", "1", "--client", "C1", "--no-client"], "--client or --no-client"),
    (["edit", "99", "--billed"], "no item with id 99"),
    (["edit", "1", "--date", "2026-11-23"], "is in the future"),
    (["edit", "1", "--blocked-on", "lunch"], "--blocked-on must be one of"),
    (["edit", "1", "--type", "poem"], "--type must be one of"),
    (["edit", "1", "--client", "y" * 20], "short pseudonym"),
    (["edit", "2", "--date", "2026-11-19"], "change that day's `caughtup log`"),
    (["edit", "3", "--date", "2026-11-22", "--time", "17:00"], "before a session"),
    (["backlog", "--tier", "6"], "--tier must be 1 to 5, got 6"),
    (["backlog", "--type", "poem"], "--type must be one of"),
]


@pytest.mark.parametrize(("args", "message"), EDIT_BAD, ids=[" ".join(a) for a, _ in EDIT_BAD])
def test_bad_edit_exits_2_and_changes_nothing(
    run: Callable[..., Result], home: Path, args: list[str], message: str
) -> None:
    run("add", "--date", "2026-11-20", "--client", "C1")  # 1: itemized
    run("log", "--date", "2026-11-20", "--sessions", "2", "--written", "0")  # 2: anonymous
    run("add", "--date", "2026-11-22", "--time", "09:00")
    run("done", "3", "--at", "2026-11-22T10:00")  # 3: written at 10:00
    before = digest(home)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert digest(home) == before


def test_count_item_flags_can_be_edited(run: Callable[..., Result], home: Path) -> None:
    run("log", "--date", "2026-11-20", "--sessions", "1", "--written", "0")
    assert run("edit", "1", "--high-risk").exit_code == 0
    assert _stored(home, 1).high_risk is True


def test_status_json_fields(run: Callable[..., Result], run_json: Callable[..., Any]) -> None:
    run("config", "rules.threshold", "4")
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        _add(run_json, "--date", day)
    st = run_json("status")
    assert {k: st[k] for k in ("outstanding", "blocked", "threshold", "threshold_state")} == {
        "outstanding": 3,
        "blocked": 0,
        "threshold": 4,
        "threshold_state": "watch",
    }
    assert (st["breaches"], st["oldest_age_days"], st["tier"]) == (1, 2, "under_1_week")
    assert st["tier_goal"].startswith("adjust the workflow")


def test_done_json_fields(run_json: Callable[..., Any]) -> None:
    on_time = _add(run_json, "--date", "2026-11-22", "--time", "09:00")
    late = _add(run_json, "--date", "2026-11-19", "--time", "17:59")
    edge = _add(run_json, "--date", "2026-11-19", "--time", "18:00")
    rows = run_json("done", str(on_time), str(late), str(edge))["items"]
    assert [list(r) for r in rows] == [["id", "late_entry", "notation", "client_ref"]] * 3
    by_id = {r["id"]: r for r in rows}
    assert by_id[on_time]["late_entry"] is False and by_id[on_time]["notation"] is None
    assert by_id[edge]["late_entry"] is False  # exactly 72 hours
    assert by_id[late]["late_entry"] is True
    assert by_id[late]["notation"] == (
        "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of 2026-11-19."
        " Reason: Documentation delayed due to caseload volume."
    )


def test_status_counts_in_the_configured_time_zone(
    run: Callable[..., Result], run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    run("config", "timezone", "America/New_York")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-01T23:30")
    _add(run_json, "--date", "2026-10-31")
    assert run_json("status")["breaches"] == 0  # due at the end of the 25-hour 1 November
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-02T00:00:01")
    assert run_json("status")["breaches"] == 1


def test_checklists_ship_for_every_type_and_user_file_overrides(home: Path) -> None:
    lists = checklists.load(home)
    for note_type in ("progress", "intake", "treatment_plan", "case_note", "court_report"):
        assert len(checklists.for_type(lists, note_type)) >= 3
    progress = " ".join(lists["progress"]).lower()
    for part in ("date", "symptoms", "intervention", "risk", "progress toward goals", "plan"):
        assert part in progress
    assert checklists.for_type(lists, "home_visit") == lists["default"]
    home.mkdir(parents=True, exist_ok=True)
    (home / "checklists.toml").write_text(
        '[progress]\nitems = ["Date", "One line on the plan"]\n[home_visit]\nitems = ["Where"]\n'
    )
    mine = checklists.load(home)
    assert mine["progress"] == ["Date", "One line on the plan"]
    assert checklists.for_type(mine, "home_visit") == ["Where"]
    assert mine["intake"] == lists["intake"]
    (home / "checklists.toml").write_text("[progress]\nitems = []\n")
    with pytest.raises(InputError, match=r"\[progress\] must have items"):
        checklists.load(home)
