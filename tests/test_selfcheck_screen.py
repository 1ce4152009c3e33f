"""The Self-check screen, driven by real key presses: every statement, the result, the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pypdf import PdfReader
from textual.pilot import Pilot

from screens.app import make_app
from screens.selfcheck import SelfCheckScreen
from tests.conftest import NOW, settled
from tests.test_selfcheck import BUILTIN, answers
from tests.test_selfcheck_cli import answer_file
from tracker import settings
from tracker.store import Store
from tracker.workspace import Workspace


def keys_for(**levels: int) -> list[str]:
    chosen = answers(**levels)
    return [str(chosen[item.id]) for item in BUILTIN.items]


async def open_selfcheck(pilot: Pilot[Any]) -> SelfCheckScreen:
    await pilot.pause()
    pilot.app.screen.set_focus(None)  # the Today form's inputs would take the letter
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SelfCheckScreen)
    return screen


def text(screen: SelfCheckScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def us(home: Path) -> None:
    settings.save(home, settings.Settings(locale="US"))


async def test_answer_the_whole_questionnaire_with_keys_then_print(home: Path) -> None:
    us(home)
    app = make_app(home)
    values = keys_for(overload=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_selfcheck(pilot)
        assert "You have not taken a self-check yet" in text(screen, "#intro-text")
        await pilot.press("enter")
        assert "Statement 1 of 18" in text(screen, "#progress")
        await pilot.press("n")  # no skipping ahead of an answer
        assert "Statement 1 of 18" in text(screen, "#progress")
        await pilot.press("7")  # not on the 0-4 scale: nothing happens
        assert "Statement 1 of 18" in text(screen, "#progress")
        await pilot.press(values[0])
        assert "Statement 2 of 18" in text(screen, "#progress")
        await pilot.press("left")
        assert "Statement 1 of 18" in text(screen, "#progress")
        assert f"▶ {values[0]}  Nearly every day  (your answer)" in text(screen, "#choices")
        await pilot.press("right", *values[1:-1], "p", "n", values[-1])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.state == "result"
        assert "documentation overload" in text(screen, "#profile")
        assert "Documentation overload   100/100" in text(screen, "#profile")
        assert screen.query_one("#crisis").display is False
        assert "If things feel unsafe: 988" in text(screen, "#result-quiet")
        assert "catch-up sprint" not in text(screen, "#suggestions")  # nothing is outstanding
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.title + ": " + n.message for n in app._notifications]
        where = home / "reports" / "selfcheck-2026-11-22.pdf"
        assert any(w.startswith(f"PDF saved: PDF saved to {where}") for w in said), said
        assert not any("printed" in w for w in said)
        await pilot.press("r")
        assert "Last one 22 Nov 2026, 0 days ago." in text(screen, "#intro-text")
        assert "overload" in text(screen, "#history")
    pdf = home / "reports" / "selfcheck-2026-11-22.pdf"
    assert (pdf.stat().st_mode & 0o777) == 0o600
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "Profile: documentation overload" in reader.pages[0].extract_text()
    with Store.open(home, Workspace(home).tz) as store:
        kept = store.selfchecks()
    assert len(kept) == 1 and kept[0]["profile"] == "documentation_overload"
    assert kept[0]["answers"] == answers(overload=4)


async def test_flagged_result_puts_crisis_lines_first(home: Path) -> None:
    us(home)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_selfcheck(pilot)
        await pilot.press("enter", *keys_for(burnout=3, safety=1))
        await app.workers.wait_for_complete()
        await pilot.pause()
        crisis = screen.query_one("#crisis")
        assert crisis.display is True and crisis.border_title == "Support, first"
        assert "call or text 988" in text(screen, "#crisis")
        assert crisis.region.y < screen.query_one("#profile").region.y
        assert crisis.region.y <= 2  # on screen at once, above everything else
        assert "broader burnout signs" in text(screen, "#profile")
        assert "Next self-check: in 7 days" in text(screen, "#suggestions")


async def test_a_safety_answer_and_a_private_print_from_the_screen(home: Path) -> None:
    settings.save(home, settings.Settings(locale="GB"))
    app = make_app(home)
    chosen = {**answers(), "end_life_thoughts": 1, "rest_no_fix": 4}
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_selfcheck(pilot)
        await pilot.press("enter", *[str(chosen[item.id]) for item in BUILTIN.items])
        await app.workers.wait_for_complete()
        await pilot.pause()
        crisis = text(screen, "#crisis")
        assert (
            "in the last two weeks you had thoughts of ending your life" in crisis
            and "116 123" in crisis
        )
        assert "Signs that stand out" in text(screen, "#profile")
        assert "four weeks" not in text(screen, "#profile") + text(screen, "#suggestions")
        assert "full" in text(screen, "#print-hint")
        await pilot.press("v")  # the choice: a private print
        assert "private (no safety answers)" in text(screen, "#print-hint")
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    pdf = home / "reports" / "selfcheck-2026-11-22-private.pdf"
    printed = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Support, first" not in printed and "ending my life" not in printed
    assert "Signs that stand out" in printed
    assert printed.endswith("If things feel unsafe: Samaritans, call 116 123; emergency 999 "
                            "(United Kingdom).")  # fmt: skip


async def test_a_week_after_a_flagged_answer_one_is_due(
    home: Path, run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-15T09:00")
    run("selfcheck", "--answers", answer_file(tmp_path, {**answers(), "end_life_thoughts": 1}))
    monkeypatch.setenv("CAUGHTUP_NOW", NOW)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_selfcheck(pilot)
        assert "Last one 15 Nov 2026, 7 days ago: one is due." in text(screen, "#intro-text")


async def test_history_and_due_reminder(
    home: Path, run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-10-20T09:00")
    run("selfcheck", "--answers", answer_file(tmp_path, answers(burnout=3)))
    monkeypatch.setenv("CAUGHTUP_NOW", NOW)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_selfcheck(pilot)
        assert "Last one 20 Oct 2026, 33 days ago: one is due." in text(screen, "#intro-text")
        assert "20 Oct 2026  burnout signs  overload   0  burnout  75" in text(screen, "#history")


async def _answer(pilot: Pilot[Any], keys: list[str]) -> None:
    await open_selfcheck(pilot)
    await pilot.press("enter", *keys)
    await settled(pilot)
    await pilot.wait_for_scheduled_animations()  # the result scrolls into place
    await pilot.pause()


def test_snapshot_result_unflagged(home: Path, snap_compare: Any) -> None:
    keys = keys_for(overload=3, burnout=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _answer(pilot, keys)

    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_result_flagged(home: Path, snap_compare: Any) -> None:
    settings.save(home, settings.Settings(locale="IE"))
    keys = keys_for(overload=3, burnout=3, safety=2)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _answer(pilot, keys)

    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=run_before)
