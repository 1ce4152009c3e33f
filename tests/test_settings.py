"""Settings: defaults from DESIGN.md, TOML on disk, every value checked with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker import settings
from tracker.errors import InputError


def test_defaults_match_design() -> None:
    s = settings.Settings()
    assert (
        s.rules.threshold,
        s.rules.rule_hours,
        s.rules.late_entry_hours,
        s.rules.escalation_days,
    ) == (5, 24, 72, 7)
    assert s.notify.quiet_hours == "19:00-08:00" and s.notify.weekends is False
    assert s.sprint.block_minutes == 90 and len(s.sprint.days) == 2
    assert s.sprint.minutes_per_type["court_report"] == 45


def test_save_and_load_roundtrip(tmp_path: Path) -> None:
    s = settings.set_value(settings.Settings(), "sprint.minutes_per_type", "progress=7,intake=15")
    s = settings.set_value(s, "notify.weekends", "yes")
    settings.save(tmp_path, s)
    loaded = settings.load(tmp_path)
    assert loaded == s
    assert loaded.sprint.minutes_per_type == {"progress": 7, "intake": 15}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("threshold = 5", "unknown setting 'threshold'"),
        ("[rules]\nthreshold = -1", "rules.threshold must be a whole number from 1 to 100"),
        ("[rules]\nthreshold = 'five'", "rules.threshold must be"),
        ("locale = 'XX'", "locale must be one of US"),
        ("timezone = 'Mars/Base'", "IANA time zone"),
        ("[rules\n", "is not valid TOML"),
    ],
)
def test_bad_settings_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "settings.toml").write_text(text)
    (tmp_path / "settings.toml").chmod(0o600)
    with pytest.raises(InputError, match=message):
        settings.load(tmp_path)


def test_settings_readable_by_others_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.save(tmp_path, settings.Settings())
    (tmp_path / "settings.toml").chmod(0o644)
    settings.load(tmp_path)
    assert "readable by other users" in capsys.readouterr().err
