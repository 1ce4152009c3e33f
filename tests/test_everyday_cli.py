"""Everyday frictions of the command (issue 21): typos, times, zones, the night, backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import digest


def test_did_you_mean_for_a_command_and_a_setting_key(
    home: Path, run: Callable[..., Result]
) -> None:
    before = digest(home)
    typo = run("ad", "--date", "2026-11-20")
    assert typo.exit_code == 2
    assert typo.stderr == "caughtup: No such command 'ad'; did you mean `caughtup add`?\n"
    key = run("config", "rules.treshold", "6")
    assert key.exit_code == 2
    assert "unknown setting 'rules.treshold'; did you mean rules.threshold?" in key.stderr
    assert "did you mean rules.threshold?" in run("config", "treshold").stderr
    far = run("config", "rules.blah")
    assert "did you mean" not in far.stderr and "valid keys:" in far.stderr
    assert digest(home) == before
