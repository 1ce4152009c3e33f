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
        ("locale = 7", "locale must be text"),
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


def test_every_setting_has_a_key_and_every_key_a_setting() -> None:
    fields = [*settings.Settings._fields]
    for name in settings.SECTIONS:
        fields.remove(name)
        fields += [f"{name}.{f}" for f in getattr(settings.Settings(), name)._fields]
    assert settings.all_keys() == fields


def test_a_hand_edit_is_read_although_the_last_parse_is_kept(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.set_value(settings.Settings(), "rules.threshold", "6"))
    assert settings.load(tmp_path).rules.threshold == 6
    kept = tmp_path / ".settings.toml.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    path = tmp_path / "settings.toml"
    path.write_text(path.read_text().replace("threshold = 6", "threshold = 7"))
    assert settings.load(tmp_path).rules.threshold == 7
    assert settings.load(tmp_path).rules.threshold == 7  # and from the kept parse
    path.unlink()
    assert settings.load(tmp_path) == settings.Settings()
    assert not kept.exists()  # it may hold notification URLs


@pytest.mark.parametrize(
    "kept", ["", "[]", '{"toml": 1}', '{"toml": "threshold = 9", "tables": {}}', "\x00\xff"]
)
def test_a_damaged_kept_parse_is_parsed_again(tmp_path: Path, kept: str) -> None:
    settings.save(tmp_path, settings.set_value(settings.Settings(), "rules.threshold", "6"))
    (tmp_path / ".settings.toml.json").write_text(kept)
    assert settings.load(tmp_path).rules.threshold == 6
    assert settings.load(tmp_path).rules.threshold == 6


def test_a_bad_file_stays_an_error_after_a_good_parse(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.Settings())
    settings.load(tmp_path)
    (tmp_path / "settings.toml").write_text("[rules]\nthreshold = 0\n")
    with pytest.raises(InputError, match=r"rules\.threshold must be a whole number"):
        settings.load(tmp_path)
