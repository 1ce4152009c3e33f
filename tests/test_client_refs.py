"""Whose note it is: the client reference in `backlog` (text, JSON, `--client`) and beside the id
where `done` and `block done` print a note, on the user's own terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import Result

from tracker.backlog import client_filter


def test_client_filter_exact_first_then_prefix_ignoring_case() -> None:
    refs = ["C7", "C71", "JD2", "jdx", None]
    assert client_filter("c7", refs) == {"c7"}  # C7 is not C71
    assert client_filter("JD", refs) == {"jd2", "jdx"}
    assert client_filter("zz", refs) == set()
    assert client_filter(None, refs) is None


def test_backlog_shows_and_filters_by_reference(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    c7 = run_json("add", "--date", "2026-11-20", "--client", "C7")["id"]
    run_json("add", "--date", "2026-11-20", "--client", "C71")
    jd = run_json("add", "--date", "2026-11-19", "--client", "JD2", "--blocked-on", "result")["id"]
    run_json("add", "--date", "2026-11-21")
    rows = run_json("backlog")["items"]
    assert sorted(r["client_ref"] or "" for r in rows) == ["", "C7", "C71", "JD2"]
    assert [r["id"] for r in run_json("backlog", "--client", "c7")["items"]] == [c7]
    assert [r["id"] for r in run_json("backlog", "--client", "jd")["items"]] == [jd]
    text = run("backlog").stdout
    assert "Client" in text and " C71 " in text and text.rstrip().endswith("JD2")
    only = run("backlog", "--client", "nobody").stdout
    assert "No outstanding notes match these filters." in only
    assert "--client REF" in run("backlog", "--help").stdout


def test_done_and_block_done_name_the_reference_beside_the_id(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    late = run_json("add", "--date", "2026-11-10", "--client", "QZ5")["id"]
    plain = run_json("add", "--date", "2026-11-21")["id"]
    text = run("done", str(late), str(plain)).stdout
    assert f"#{late} (QZ5)  written" in text and f"#{plain}  written" in text
    other = run_json("add", "--date", "2026-11-10", "--client", "KL3")["id"]
    data = run_json("done", str(other))
    assert data["items"][0]["client_ref"] == "KL3"
    assert data["notations"][0]["client_ref"] == "KL3"
    early = run_json("add", "--date", "2026-11-09", "--client", "RB8")["id"]
    assert run("plan", "--start", "2026-11-22").exit_code == 0
    out = run("block", "done", str(early)).stdout
    assert f"#{early} (RB8): LATE ENTRY" in out
    assert f"#{early} (RB8): LATE ENTRY" in run("block", "show").stdout


def test_a_check_in_clearing_a_late_note_names_its_reference(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    item = run_json("add", "--date", "2026-11-12", "--client", "TW4")["id"]
    out = run("log", "--sessions", "0", "--written", "0", "--cleared", "1").stdout
    assert f"#{item} (TW4): LATE ENTRY" in out
