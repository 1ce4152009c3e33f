"""Settings: defaults from DESIGN.md, TOML on disk, every value checked with a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from hashlib import blake2b
from pathlib import Path

import pytest

from tracker import settings
from tracker.errors import InputError
from tracker.paths import SETTINGS_CHECKED_NAME


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


def test_a_hand_edit_is_checked_although_a_text_passed_before(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.set_value(settings.Settings(), "rules.threshold", "6"))
    assert settings.load(tmp_path).rules.threshold == 6
    checked = tmp_path / SETTINGS_CHECKED_NAME
    assert checked.stat().st_mode & 0o777 == 0o600
    path = tmp_path / "settings.toml"
    path.write_text(path.read_text().replace("threshold = 6", "threshold = 7"))
    assert settings.load(tmp_path).rules.threshold == 7
    assert settings.load(tmp_path).rules.threshold == 7  # and trusted, now that it passed
    assert checked.read_text() == settings.fingerprint(path.read_text())
    path.unlink()
    assert settings.load(tmp_path) == settings.Settings()


def test_what_is_kept_beside_the_file_holds_no_setting(tmp_path: Path) -> None:
    """The old parse kept beside the file held the notification token a second time."""
    legacy = tmp_path / ".settings.toml.json"
    legacy.write_text('{"toml": "", "tables": {"notify": {"urls": ["json://h/SECRET"]}}}')
    token = "json://127.0.0.1:9/SECRET-TOKEN"
    settings.save(tmp_path, settings.set_value(settings.Settings(), "notify.urls", token))
    path = tmp_path / "settings.toml"
    path.write_text(path.read_text() + "\n")  # a hand edit: read and checked anew
    assert settings.load(tmp_path).notify.urls == [token]
    kept = [p for p in tmp_path.iterdir() if p.name not in ("settings.toml", ".settings.toml.lock")]
    assert [p.name for p in kept] == [SETTINGS_CHECKED_NAME]
    assert len(kept[0].read_bytes()) <= 64 and b"SECRET" not in kept[0].read_bytes()


@pytest.mark.parametrize("kept", ["", "0" * 32, "\x00\xff", "x" * 5000])
def test_a_damaged_fingerprint_means_checking_again(tmp_path: Path, kept: str) -> None:
    settings.save(tmp_path, settings.set_value(settings.Settings(), "rules.threshold", "6"))
    (tmp_path / SETTINGS_CHECKED_NAME).write_text(kept)
    assert settings.load(tmp_path).rules.threshold == 6
    (tmp_path / "settings.toml").write_text("[rules]\nthreshold = 0\n")
    with pytest.raises(InputError, match=r"rules\.threshold must be a whole number"):
        settings.load(tmp_path)


def test_a_text_passed_by_other_checks_is_checked_again(tmp_path: Path) -> None:
    """Another version of caughtup may have passed what this one refuses: the fingerprint
    covers the checks too, not only the text."""
    text = "[rules]\nthreshold = 0\n"
    (tmp_path / "settings.toml").write_text(text)
    (tmp_path / "settings.toml").chmod(0o600)
    (tmp_path / SETTINGS_CHECKED_NAME).write_text(
        blake2b(text.encode(), digest_size=16).hexdigest()
    )
    with pytest.raises(InputError, match=r"rules\.threshold must be a whole number"):
        settings.load(tmp_path)


def test_a_value_read_generously_is_read_so_every_time(tmp_path: Path) -> None:
    """ "Mon" is mon, and " 6" is 6; such a text is never trusted as it stands."""
    path = tmp_path / "settings.toml"
    path.write_text('first_weekday = "Mon"\n[rules]\nthreshold = " 6"\n')
    path.chmod(0o600)
    for _ in range(2):
        loaded = settings.load(tmp_path)
        assert (loaded.first_weekday, loaded.rules.threshold) == ("mon", 6)
    assert not (tmp_path / SETTINGS_CHECKED_NAME).exists()


def test_a_checked_text_is_read_without_pydantic(tmp_path: Path) -> None:
    """A hand edit is checked once (pydantic); then `status` trusts it (no pydantic, no tomllib)."""
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "CAUGHTUP_NOW": "2026-11-22T10:00"}

    def loaded_by_status() -> set[str]:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "tracker", "status", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in out.stderr.splitlines()
            if line.startswith("import time:")
        }

    settings.save(tmp_path, settings.set_value(settings.Settings(), "rules.threshold", "6"))
    assert not loaded_by_status() & {"pydantic", "tomllib"}
    path = tmp_path / "settings.toml"
    path.write_text("# by hand\n" + path.read_text())
    assert {"pydantic", "tomllib"} <= loaded_by_status()
    assert not loaded_by_status() & {"pydantic"}  # passed once: trusted


def test_a_bad_file_stays_an_error_after_a_good_parse(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.Settings())
    settings.load(tmp_path)
    (tmp_path / "settings.toml").write_text("[rules]\nthreshold = 0\n")
    with pytest.raises(InputError, match=r"rules\.threshold must be a whole number"):
        settings.load(tmp_path)


def test_only_settings_that_pass_are_written(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.Settings())
    before = (tmp_path / "settings.toml").read_bytes()
    bad = settings.Settings(rules=settings.Rules(threshold=0))
    with pytest.raises(InputError, match=r"rules\.threshold must be a whole number from 1 to 100"):
        settings.save(tmp_path, bad)
    assert (tmp_path / "settings.toml").read_bytes() == before


def test_every_setting_has_its_one_line_doc() -> None:
    for key in settings.all_keys():
        doc = settings.describe(key)
        assert doc and "\n" not in doc and doc.endswith((".", ")")), key
    with pytest.raises(InputError, match="unknown setting 'nope'"):
        settings.describe("nope")
