"""Every rule word comes from the settings: with every rule set away from its default, no command,
help text or screen still says the default ("24h" while the rule says 48)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.widgets import DataTable, Input, Static

from screens.app import make_app
from screens.help import help_markdown
from screens.note_table import NoteTable
from screens.places import PLACES
from tests.conftest import settled
from tests.test_selfcheck import answers
from tests.test_selfcheck_cli import answer_file
from tracker import settings

# Every rule setting away from its default (24 h, threshold 5, 72 h, 7 days, no payer window).
NON_DEFAULT = {
    "rules.rule_hours": "48",
    "rules.threshold": "7",
    "rules.late_entry_hours": "96",
    "rules.escalation_days": "10",
    "rules.payer_window_days": "30",
    "rules.payer_window_by_type": "intake=40",
    "rules.within_tier": "oldest",
    "rules.note_types": "progress,intake,treatment_plan,case_note,court_report,group,admin,letter",
}
DEFAULT_WORDS = [
    r"\b24 ?h\b",
    r"\b24-hour\b",
    r"\b24 hours\b",
    r"within-24",
    r"threshold (of )?5\b",
    r"\b\d+ of 5\b",
    r"\bnotes \d+/5\b",
    r"\b5-note\b",
    r"\b72\b",
    r"(after|over) 7 days",
]


def defaults_in(text: str) -> list[str]:
    return [m.group(0) for pattern in DEFAULT_WORDS for m in re.finditer(pattern, text)]


def test_the_patterns_catch_the_defaults() -> None:
    said = "notes 5/5 · 3 past 24h · the 24-hour rule · within 24 hours · threshold 5 · over 7 days"
    assert len(defaults_in(said)) == 6
    assert defaults_in("notes 9/7 · 3 past 48h · threshold 7 · 24/7, free · Tue 24 Nov") == []


def test_every_rule_setting_is_covered() -> None:
    rule_keys = {k for k in settings.all_keys() if k.startswith("rules.")}
    # The late-entry wording and reason are the user's own text (tests/test_late_entries.py).
    assert rule_keys - set(NON_DEFAULT) <= {"rules.late_entry_text", "rules.late_entry_reason"}
    for key, value in NON_DEFAULT.items():
        assert settings.get_value(settings.DEFAULTS, key) != settings.set_value(
            settings.DEFAULTS, key, value
        ).__getattribute__(key.split(".")[0]).__getattribute__(key.split(".")[1])


@pytest.fixture
def busy(run: Callable[..., Result]) -> None:
    """Non-default rules, and enough data for every guardrail to speak."""
    for key, value in NON_DEFAULT.items():
        assert run("config", key, value).exit_code == 0
    for day in (2, 9, 16, 19, 20):
        run("log", "--date", f"2026-11-{day:02d}", "--sessions", "3", "--written", "1",
            "--after-hours", "40", "--dread", "3")  # fmt: skip
    run("add", "--date", "2026-11-18", "--court", "--type", "court_report")
    run("add", "--date", "2026-11-17", "--high-risk")
    run("add", "--date", "2026-11-01", "--blocked-on", "referral")
    run("add", "--date", "2026-11-12", "--blocked-on", "coding_query")
    run("add", "--date", "2026-11-10", "--billed", "--type", "intake")


COMMANDS = [
    ["status"],
    ["status", "--short"],
    ["backlog"],
    ["backlog", "--by-type"],
    ["plan", "--preview"],
    ["plan", "--preview", "--target", "2026-11-27"],
    ["remind"],
    ["remind", "--json"],
    ["trends"],
    ["log", "--date", "2026-11-21", "--sessions", "2", "--written", "1"],
]
HELPS = [[], *[[name] for name in ("status", "backlog", "plan", "remind", "trends", "log",
                                  "selfcheck", "done", "crisis")]]  # fmt: skip


@pytest.mark.usefixtures("busy")
def test_no_command_says_a_default(run: Callable[..., Result], tmp_path: Path) -> None:
    said = {}
    for args in COMMANDS:
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        said[" ".join(args)] = result.stdout
    chosen = answer_file(tmp_path, answers(overload=3))
    said["selfcheck"] = run("selfcheck", "--answers", chosen, "--no-save").stdout
    for args in HELPS:
        said[f"{' '.join(args)} --help"] = run(*args, "--help").stdout
    found = {cmd: defaults_in(text) for cmd, text in said.items() if defaults_in(text)}
    assert found == {}
    # And the non-default words are said where the rule is named.
    assert "past 48h" in said["status --short"] and "48-hour rule" in said["status"]
    assert "7 outstanding, threshold 7" in said["status"] or "threshold 7" in said["status"]
    assert "within 48 hours" in said["plan --preview"]
    assert "48-hour rule" in said["remind"]


async def _screen_text(app: Any) -> str:
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            parts += [str(c.label) for c in widget.columns.values()]
            for n in range(widget.row_count):
                parts += [str(cell) for cell in widget.get_row_at(n)]
        elif isinstance(widget, NoteTable):
            parts += [label for label, _ in widget.columns]
            for n in range(widget.row_count):
                parts += [str(cell) for cell in widget.row_cells(n)]
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
        elif isinstance(widget, Input):
            parts += [widget.value, widget.placeholder]
        for title in (widget.border_title, widget.border_subtitle):
            if title:
                parts.append(str(title))
    return "\n".join(parts)


@pytest.mark.usefixtures("busy")
async def test_no_screen_or_help_says_a_default(home: Path) -> None:
    app = make_app(home)
    found: dict[str, list[str]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        for place in PLACES:
            await pilot.pause()
            app.screen.set_focus(None)
            await pilot.press(place.key)
            await pilot.pause()
            await settled(pilot)
            await pilot.pause()
            text = await _screen_text(app)
            text += "\n" + help_markdown(place.mode, app.screen, app.workspace.settings, "")
            if defaults_in(text):
                found[place.mode] = defaults_in(text)
            if place.mode == "today":
                assert "48-hour rule" in text and "threshold 7" in text
            if place.mode == "trends":
                assert "Within 48 h" in text
    assert found == {}
