"""The benchmark cannot rot: its smoke version (a tiny history, one run of each command, no
budgets) runs in the suite and must time every command it knows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "benchmark.py"
LABELS = (
    "status --json",
    "log (a write)",
    "backlog --json",
    "plan (",
    "trends --weeks 52",
    "trends --weeks 52 --json",
    "remind (nothing to send)",
    "export (",
    "import (",
    "TUI first screen",
)


def named(line: str, label: str) -> bool:
    """Whether a report line is the row `label` (a label ending in "(" is a prefix)."""
    name = line[:27].rstrip()
    return name.startswith(label) if label.endswith("(") else name == label


@pytest.mark.slow
def test_benchmark_smoke_times_every_command() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke", "--shared"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for label in LABELS:
        (line,) = [line for line in lines if named(line, label)]
        figures = line[len(label) :].split()
        assert "ms" in figures and "MiB" in figures, line  # not "not available", not FAILED
    assert "messages during the timed runs" not in result.stdout  # remind had nothing to send
