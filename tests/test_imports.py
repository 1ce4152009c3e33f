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
CORE_MODULES = sorted(
    ".".join(p.with_suffix("").parts).removesuffix(".__init__")
    for p in [*Path("tracker").glob("*.py"), *Path("tracker/calendar").glob("*.py")]
    if p.stem != "__main__" and p != Path("tracker/__init__.py")
)


def loaded_after(code: str, tmp_path: Path) -> set[str]:
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "CAUGHTUP_NOW": "2026-11-22T10:00"}
    probe = f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in out.stdout.split()}


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_loads_no_ui(module: str, tmp_path: Path) -> None:
    loaded = loaded_after(f"import {module}", tmp_path)
    assert not loaded & {"textual", "textual_plotext", "screens"}


def test_status_path_imports_nothing_heavy(tmp_path: Path) -> None:
    code = "from tracker.cli import cli\ntry:\n    cli.main(['status', '--json'])\nexcept SystemExit:\n    pass"
    loaded = loaded_after(code, tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_log_path_imports_nothing_heavy(tmp_path: Path) -> None:
    code = "from tracker.cli import cli\ntry:\n    cli.main(['log', '--sessions', '2', '--written', '1'])\nexcept SystemExit:\n    pass"
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
    [["status", "--json"], ["status"], ["log", "--sessions", "2", "--written", "1"]],
    ids=["status --json", "status", "log"],
)
def test_whole_command_imports_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    loaded = imported_by(args, tmp_path)
    assert {"tracker", "sqlite3"} <= loaded  # the report covers the whole run
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_status_answers_without_click_dataclasses_or_tomllib(tmp_path: Path) -> None:
    """Each would cost a tenth to a fifth of status's 60 ms; settings are read from their kept
    parse (see settings.load)."""
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "tracker"]
    subprocess.run([*command, "config", "rules.threshold", "6"], env=env, check=True)
    kept = subprocess.run(  # parses the settings and keeps the parse
        [*command, "status", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(kept.stdout)["threshold"] == 6
    loaded = imported_by(["status", "--json"], tmp_path)
    assert "tracker" in loaded and not loaded & {"click", "dataclasses", "tomllib"}


def test_importing_an_export_loads_no_pydantic(tmp_path: Path) -> None:
    """pydantic's import alone is 150 ms of the 1 s an import of 100,000 items may take."""
    export = tmp_path / "export.json"
    home = tmp_path / "source"
    env = {**os.environ, "CAUGHTUP_HOME": str(home), "CAUGHTUP_NOW": "2026-11-22T10:00"}
    for args in (["add", "--date", "2026-11-20"], ["export", "--out", str(export)]):
        subprocess.run([sys.executable, "-m", "tracker", *args], env=env, check=True)
    loaded = imported_by(["import", str(export)], tmp_path / "target")
    assert "tracker" in loaded and "pydantic" not in loaded


@pytest.mark.parametrize(
    "module", ["tracker.habit", "tracker.workload", "tracker.waiting", "tracker.whatif"]
)
def test_habit_and_workload_figures_load_nothing_heavy(module: str, tmp_path: Path) -> None:
    """`habit --json` has 120 ms for ten years, `summary --json` 200 ms: no heavy library."""
    loaded = loaded_after(f"import {module}", tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
