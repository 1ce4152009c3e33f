"""The demo sample: realistic, deterministic given the clock, and never in the user's folder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.conftest import digest
from tracker import demo
from tracker.workspace import Workspace


def test_the_sample_is_a_clinician_three_weeks_behind(tmp_path: Path) -> None:
    built = demo.build(tmp_path / "demo")
    ws = Workspace(tmp_path / "demo")
    try:
        items = ws.store.items()
        days = ws.store.days()
        from tracker.summary import current_status

        st = current_status(ws)
        sprint = ws.store.current_sprint()
        blocks = ws.store.sprint_blocks(sprint.id) if sprint else []
        checks = ws.store.selfchecks()
    finally:
        ws.close()
    assert built.items == len(items) and built.days == len(days) == 40  # 8 weeks of weekdays
    assert (days[-1].day - days[0].day).days >= 7 * 7
    assert st.tier == "over_3_weeks" and 21 < st.oldest_age_days <= 28
    assert st.threshold_state == "reached" and 15 <= st.outstanding <= 45
    assert st.blocked == 2 and st.chase == 1
    open_items = [i for i in items if i.is_open]
    assert sum(1 for i in open_items if i.court) == 2
    assert len(Counter(i.note_type for i in open_items)) >= 5
    assert any(i.billed for i in open_items) and any(i.high_risk for i in open_items)
    late = [i for i in items if i.written_at and (i.written_at.date() - i.session_date).days >= 2]
    assert late, "some notes were caught up late, so the trends have a story"
    assert [d.dread for d in days[-5:]] != [d.dread for d in days[:5]]
    # A running sprint with two blocks behind it, and two earlier self-checks.
    assert sprint is not None and sprint.ended_at is None
    assert built.blocks_done == 2 == sum(1 for b in blocks if b.done_at is not None)
    assert any(b.done_at is None for b in blocks)
    assert built.selfchecks == 2 == len(checks)
    assert checks[0]["scores"]["overload"] > checks[1]["scores"]["overload"]
    assert not any(c["safety_flag"] for c in checks)


def _content(home: Path) -> tuple[Any, ...]:
    ws = Workspace(home)
    try:
        sprint = ws.store.current_sprint()
        assert sprint is not None
        return (
            ws.store.items(),
            ws.store.days(),
            ws.store.selfchecks(),
            sprint.baseline,
            ws.store.sprint_blocks(sprint.id),
        )
    finally:
        ws.close()


def test_same_clock_same_sample(tmp_path: Path) -> None:
    # The sprint's calendar uid is random by design; everything the user sees is the same.
    demo.build(tmp_path / "a")
    demo.build(tmp_path / "b")
    assert _content(tmp_path / "a") == _content(tmp_path / "b")


def test_never_writes_over_existing_data(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("log", "--sessions", "3", "--written", "3")
    before = digest(home)
    result = run("demo", "--into", str(home), "--json")
    assert result.exit_code == 2
    assert "already holds caughtup data" in result.stderr
    assert digest(home) == before


def test_demo_into_a_folder_leaves_the_users_data_alone(
    home: Path, tmp_path: Path, run_json: Callable[..., Any]
) -> None:
    built = run_json("demo", "--into", str(tmp_path / "sample"))
    assert built["open"] > 15 and built["court"] == 2
    assert not home.exists()  # CAUGHTUP_HOME was never created, let alone written


def test_json_without_a_folder_is_refused(run: Callable[..., Result]) -> None:
    result = run("demo", "--json")
    assert result.exit_code == 2 and "--json needs --into" in result.stderr
