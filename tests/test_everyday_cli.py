"""Everyday frictions of the command (issue 21): typos, times, zones, the night, backups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker import zones
from tracker.clock import clock_time


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


def test_add_takes_a_time_as_the_ehr_import_does(run_json: Callable[..., Any]) -> None:
    for typed, stored in [("9:00", "09:00"), ("09:30", "09:30"), ("2:00 PM", "14:00")]:
        item = run_json("add", "--date", "2026-11-20", "--time", typed)
        assert item["due"] == f"2026-11-21T{stored}+00:00"
    assert clock_time("9:00") == time(9, 0)
    with pytest.raises(ValueError, match="must be a time like 14:00"):
        clock_time("9h")


def test_a_time_zone_is_an_iana_region_and_an_abbreviation_gets_the_region(
    home: Path, run: Callable[..., Result]
) -> None:
    before = digest(home)
    est = run("config", "timezone", "EST")
    assert est.exit_code == 2
    assert est.stderr == (
        "caughtup: timezone must be an IANA region name; for EST use America/New_York, got 'EST'\n"
    )
    assert (
        "for US/Pacific use America/Los_Angeles" in run("config", "timezone", "US/Pacific").stderr
    )
    assert digest(home) == before
    assert run("config", "timezone", "America/New_York").exit_code == 0
    assert run("config", "timezone", "UTC").exit_code == 0


def test_zone_suggestions_come_from_the_zone_data() -> None:
    assert zones.is_region("Europe/Dublin") and not zones.is_region("CET")
    assert zones.suggest("CST") == "America/Chicago"
    assert zones.suggest("EST", "CA") == "America/Toronto"  # the user's own country first
    assert zones.suggest("Asia/Calcutta") == "Asia/Kolkata"  # an alias: the very same clock
    assert zones.suggest("Nowhere") is None


def test_backup_list_and_restore_by_number(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    assert "No backups in" in run("backup", "--list").stdout
    run_json("add", "--date", "2026-11-20")
    older = Path(run_json("backup")["path"])
    run_json("add", "--date", "2026-11-21")
    newer = Path(run_json("backup")["path"])
    listed = run_json("backup", "--list")["backups"]
    assert [(b["number"], b["path"]) for b in listed] == [(1, str(newer)), (2, str(older))]
    assert listed[0]["bytes"] == newer.stat().st_size and listed[0]["made"].startswith("20")
    text = run("backup", "--list").stdout.splitlines()
    assert text[0].startswith("  1  ") and text[0].endswith(newer.name) and "KiB" in text[0]
    before = digest(home)
    assert run("restore", "7", "--yes").exit_code == 2  # not on the list: nothing changes
    assert run("restore", "2").exit_code == 130 and digest(home) == before  # asked, not confirmed
    restored = run("restore", "2", "--yes")
    assert restored.exit_code == 0 and f"Restored {older}" in restored.stdout
    assert len(run_json("backlog")["items"]) == 1
