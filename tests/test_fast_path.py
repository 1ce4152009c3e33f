"""`caughtup status` answered without click prints exactly what the click command prints."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result


def whole_command(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point in a new process (the environment pins home, clock and TZ)."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture
def history(run: Callable[..., Result]) -> None:
    for args in (
        ("log", "--date", "2026-11-19", "--sessions", "5", "--written", "1"),
        ("log", "--date", "2026-11-21", "--sessions", "4", "--written", "4"),
        ("add", "--date", "2026-11-02", "--blocked-on", "result", "--client", "C7"),
    ):
        assert run(*args).exit_code == 0


@pytest.mark.parametrize(
    "flags", [[], ["--json"], ["--short"], ["--json", "--short"], ["--short", "--json", "--json"]]
)
@pytest.mark.usefixtures("history")
def test_fast_status_prints_what_the_click_command_prints(
    flags: list[str], run: Callable[..., Result]
) -> None:
    slow = run("status", *flags)
    fast = whole_command("status", *flags)
    assert (fast.returncode, fast.stdout, fast.stderr) == (0, slow.stdout, slow.stderr)
    assert fast.stdout.strip()


def test_fast_status_reports_bad_settings_like_the_click_command(
    run: Callable[..., Result], home: Path
) -> None:
    home.mkdir(mode=0o700)
    (home / "settings.toml").write_text("[rules]\nthreshold = 0\n")
    (home / "settings.toml").chmod(0o600)
    slow = run("status", "--json")
    fast = whole_command("status", "--json")
    assert slow.exit_code == fast.returncode == 2
    assert fast.stderr == slow.stderr and fast.stderr.count("\n") == 1
    assert "rules.threshold" in fast.stderr and fast.stdout == ""


def test_status_options_it_does_not_know_go_to_click() -> None:
    unknown = whole_command("status", "--verbose")
    assert unknown.returncode == 2
    assert "--verbose" in unknown.stderr and unknown.stderr.count("\n") == 1
    helped = whole_command("status", "--help")
    assert helped.returncode == 0 and "--short" in helped.stdout


def test_bare_command_reports_a_damaged_database_like_the_click_group(
    run: Callable[..., Result], home: Path
) -> None:
    home.mkdir(mode=0o700)
    (home / "caughtup.db").write_bytes(b"not a database, just words " * 100)
    slow = run()
    fast = whole_command()
    assert slow.exit_code == fast.returncode == 2
    assert fast.stderr == slow.stderr and fast.stderr.count("\n") == 1
    assert "caughtup.db" in fast.stderr and fast.stdout == ""
