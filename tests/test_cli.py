"""The CLI as a user types it: log, add, done, status, config; bad input exits 2 and changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result

from tests.conftest import digest
from tracker.cli.group import COMMANDS, cli


def test_log_then_status_in_an_empty_home(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    result = run("log", "--sessions", "6", "--written", "4", "--after-hours", "30")
    assert result.exit_code == 0, result.output
    assert "6 sessions" in result.stdout
    st = run_json("status")
    assert st["outstanding"] == 2
    assert st["threshold"] == 5
    assert st["threshold_state"] == "ok"
    assert st["breaches"] == 0
    assert st["oldest_age_days"] == 0
    assert st["tier"] == "under_1_week"
    assert set(st) >= {
        "outstanding",
        "blocked",
        "threshold",
        "threshold_state",
        "breaches",
        "oldest_age_days",
        "tier",
    }
    assert (home.stat().st_mode & 0o777) == 0o700
    assert ((home / "caughtup.db").stat().st_mode & 0o777) == 0o600


def test_status_short_and_human(run: Callable[..., Result]) -> None:
    run("log", "--date", "2026-11-20", "--sessions", "5", "--written", "0")
    short = run("status", "--short").stdout.strip()
    assert short == "notes 5/5 catch up now · 5 past 24h · oldest 2d"
    human = run("status").stdout
    assert "5 outstanding, threshold 5" in human and "catch up now" in human


def test_relog_via_cli_corrects(run_json: Callable[..., Any]) -> None:
    run_json("log", "--sessions", "6", "--written", "2")
    run_json("log", "--sessions", "6", "--written", "5")
    assert run_json("status")["outstanding"] == 1


def test_add_and_done_with_late_entry(run_json: Callable[..., Any]) -> None:
    added = run_json(
        "add",
        "--date",
        "2026-11-17",
        "--time",
        "14:00",
        "--type",
        "progress",
        "--client",
        "C7",
        "--billed",
    )
    assert added["tier"] == 2 and added["breach"] is True
    fresh = run_json("add", "--date", "2026-11-22", "--time", "09:00")
    done = run_json("done", str(added["id"]), str(fresh["id"]))
    by_id = {row["id"]: row for row in done["items"]}
    late = by_id[added["id"]]
    assert late["late_entry"] is True
    assert (
        "LATE ENTRY" in late["notation"]
        and "2026-11-17" in late["notation"]
        and "2026-11-22 18:00" in late["notation"]
    )
    assert by_id[fresh["id"]] == {
        "id": fresh["id"],
        "late_entry": False,
        "notation": None,
        "client_ref": None,
    }


BAD_INPUTS = [
    (["log", "--sessions", "-3", "--written", "0"], "--sessions must be 0 to 40, got -3"),
    (["log", "--sessions", "3", "--written", "5"], "--written 5 is more than --sessions 3"),
    (["log", "--date", "2026-11-23", "--sessions", "3", "--written", "1"], "is in the future"),
    (
        ["log", "--sessions", "six", "--written", "1"],
        "--sessions must be a whole number from 0 to 40, got 'six'",
    ),
    (["log", "--sessions", "3", "--written", "1", "--dread", "7"], "--dread must be 0 to 4, got 7"),
    (
        ["log", "--date", "22/11/2026", "--sessions", "3", "--written", "1"],
        "--date must be a date as YYYY-MM-DD",
    ),
    (["log", "--sessions", "3"], "Missing option '--written'"),
    (["add", "--date", "2026-11-30"], "is in the future"),
    (["add", "--date", "2026-11-20", "--time", "25:00"], "--time must be a time like 14:00"),
    (["add", "--date", "2026-11-20", "--type", "poem"], "--type must be one of"),
    (
        ["add", "--date", "2026-11-20", "--client", "x" * 30],
        "client reference must be a short pseudonym",
    ),
    (["done", "999"], "no item with id 999"),
    (["done", "9" * 20], f"ids must be 1 to {2**63 - 1}, got {'9' * 20}"),  # not a traceback
    (["edit", "9" * 20, "--billed"], f"item_id must be 1 to {2**63 - 1}, got {'9' * 20}"),
    (["block", "done", "0"], f"ids must be 1 to {2**63 - 1}, got 0"),
    (["done", "1", "--at", "2027-01-01T10:00"], "is in the future"),
    (["config", "rules.threshold", "zero"], "rules.threshold must be a whole number from 1 to 100"),
    (["config", "nope", "1"], "unknown setting 'nope'"),
    (["config", "notify.quiet_hours", "7pm-8am"], "notify.quiet_hours must be a range HH:MM-HH:MM"),
    (["frobnicate"], "No such command 'frobnicate'"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUTS, ids=[" ".join(a)[:40] for a, _ in BAD_INPUTS]
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    run: Callable[..., Result], home: Path, args: list[str], message: str
) -> None:
    run("add", "--date", "2026-11-20")  # item 1 exists, so `done 1 --at future` is about the time
    before = digest(home)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("caughtup: ") and message in lines[0]
    assert digest(home) == before


def command_paths() -> list[tuple[str, ...]]:
    """Every command, and every subcommand of a group (`block done`)."""
    ctx = click.Context(cli)
    paths: list[tuple[str, ...]] = []
    for name in sorted(COMMANDS):
        command = cli.get_command(ctx, name)
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in sorted(command.commands)]
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help(run: Callable[..., Result], path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Usage: caughtup {' '.join(path)} ")
    assert lines[2].strip() not in ("", "Options:") and "Options:" in lines  # what it does


def test_config_roundtrip_masks_secrets(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    assert (
        run("config", "notify.urls", "json://127.0.0.1:8080/secret-token,ntfy://topic").exit_code
        == 0
    )
    shown = run_json("config", "notify.urls")
    assert all("secret-token" not in url for url in shown["value"])
    assert "secret-token" in (home / "settings.toml").read_text()
    assert ((home / "settings.toml").stat().st_mode & 0o777) == 0o600
    run("config", "rules.threshold", "3")
    run("log", "--sessions", "3", "--written", "0")
    assert run_json("status")["threshold_state"] == "reached"


def test_installed_command_runs_in_a_real_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("caughtup")
    assert exe.exists(), "make test installs the package, so its console script exists"
    env = {
        **os.environ,
        "CAUGHTUP_HOME": str(tmp_path / "real"),
        "CAUGHTUP_NOW": "2026-11-22T12:00",
    }
    subprocess.run(
        [exe, "log", "--sessions", "4", "--written", "3"], env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [exe, "status", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert json.loads(out.stdout)["outstanding"] == 1
    bad = subprocess.run(
        [exe, "log", "--sessions", "-1", "--written", "0"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
