"""Import hygiene: the core never loads UI code, and the read path loads nothing heavy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "textual",
    "textual_plotext",
    "screens",
    "apprise",
    "fpdf",
    "icalendar",
    "recurring_ical_events",
    "x_wr_timezone",
    "holidays",
    "pydantic",
    "sqlite_utils",
    "plotext",
)
ROOT = Path(__file__).resolve().parent.parent
# Every module of the core: tracker/ and its subpackages, without the command (tracker/cli/).
CORE_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for p in (ROOT / "tracker").rglob("*.py")
    if p.relative_to(ROOT).parts[1] != "cli" and p.stem != "__main__"
)
UI_PACKAGES = ("textual", "textual_plotext", "screens", "tracker.cli")
# Imports each module named on its command line in turn, and stops at the first that loaded a UI
# module (its own import or anything it pulled in), printing both.
UI_PROBE = f"""
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    ui = sorted(m for m in sys.modules for p in {UI_PACKAGES!r} if m == p or m.startswith(p + "."))
    if ui:
        sys.exit(f"importing {{name}} loaded {{', '.join(ui[:5])}}")
"""


def loaded_after(code: str, tmp_path: Path) -> set[str]:
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "CAUGHTUP_NOW": "2026-11-22T10:00"}
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in out.stdout.split()}


def test_core_modules_load_no_ui(tmp_path: Path) -> None:
    """The core never imports Textual, the screens or the command (pyproject's import-linter
    contracts say so of the source; this checks what importing really loads)."""
    assert {"tracker.rules", "tracker.calendar", "tracker.errors"} <= set(CORE_MODULES)
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "CAUGHTUP_NOW": "2026-11-22T10:00"}
    probe = subprocess.run(
        [sys.executable, "-c", UI_PROBE, *CORE_MODULES], env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr[-800:]


def test_status_path_imports_nothing_heavy(tmp_path: Path) -> None:
    code = "from tracker.cli.group import cli\ntry:\n    cli.main(['status', '--json'])\nexcept SystemExit:\n    pass"
    loaded = loaded_after(code, tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_log_path_imports_nothing_heavy(tmp_path: Path) -> None:
    code = "from tracker.cli.group import cli\ntry:\n    cli.main(['log', '--sessions', '2', '--written', '1'])\nexcept SystemExit:\n    pass"
    loaded = loaded_after(code, tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def imported_by(args: list[str], tmp_path: Path) -> set[str]:
    """Top-level packages that `python -X importtime -m tracker ARGS` imports, from its report."""
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "CAUGHTUP_NOW": "2026-11-22T10:00"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-800:]
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--json"],
        ["status"],
        ["log", "--sessions", "2", "--written", "1"],
        ["habit", "--json"],
        ["summary", "--json"],
    ],
    ids=["status --json", "status", "log", "habit --json", "summary --json"],
)
def test_whole_command_imports_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    loaded = imported_by(args, tmp_path)
    assert {"tracker", "sqlite3"} <= loaded  # the report covers the whole run
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_status_answers_without_click_dataclasses_or_tomllib(tmp_path: Path) -> None:
    """Each would cost a tenth to a fifth of status's 60 ms; settings.toml as `config` wrote it
    is read without tomllib (see settings.load)."""
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "tracker"]
    subprocess.run([*command, "config", "rules.threshold", "6"], env=env, check=True)
    kept = subprocess.run(  # parses the settings and keeps the parse
        [*command, "status", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(kept.stdout)["threshold"] == 6
    loaded = imported_by(["status", "--json"], tmp_path)
    assert "tracker" in loaded and not loaded & {"click", "dataclasses", "tomllib"}


@pytest.mark.parametrize(
    "module", ["tracker.habit", "tracker.workload", "tracker.waiting", "tracker.whatif"]
)
def test_habit_and_workload_figures_load_nothing_heavy(module: str, tmp_path: Path) -> None:
    """`habit --json` has 120 ms for ten years, `summary --json` 200 ms: no heavy library."""
    loaded = loaded_after(f"import {module}", tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
