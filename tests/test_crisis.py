"""Crisis resources: one checked data file, the user's own additions, and never a wrong number."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tests.test_selfcheck import answers
from tests.test_selfcheck_cli import answer_file
from tracker import crisis, settings
from tracker.errors import InputError

BUILTIN = tomllib.loads(crisis.BUILTIN_FILE.read_text(encoding="utf-8"))


def flagged(run_json: Callable[..., Any], tmp_path: Path) -> Any:
    return run_json("selfcheck", "--answers", answer_file(tmp_path, answers(safety=1)))


def write_settings(home: Path, text: str) -> None:
    home.mkdir(mode=0o700, exist_ok=True)
    (home / "settings.toml").write_text(text)
    (home / "settings.toml").chmod(0o600)


@pytest.mark.parametrize("code", sorted(BUILTIN))
def test_every_entry_names_its_source_and_the_day_it_was_checked(code: str) -> None:
    entry = BUILTIN[code]
    assert entry["source"].startswith(("https://", "http://"))
    assert isinstance(entry["checked"], date) and entry["checked"] <= date(2026, 12, 4)
    assert entry["lines"] and all(line["contact"] for line in entry["lines"])
    assert code == crisis.OTHER or (len(code) == 2 and code.isupper())
    assert code == crisis.OTHER or re.fullmatch(r"\d{3}( or \d{3})*", entry["emergency"])


def test_the_loader_refuses_an_entry_without_a_source(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "crisis.toml").write_text(
        '# my own\n[NZ]\ncountry = "New Zealand"\nemergency = "111"\nchecked = 2026-12-01\n'
        'lines = [{ name = "A line", contact = "call 1" }]\n'
    )
    with pytest.raises(Exception, match=r"crisis.toml, line 2: \[NZ\]\.source: Field required"):
        crisis.table(home)
    (home / "crisis.toml").write_text(
        '[NZ]\ncountry = "New Zealand"\nemergency = "111"\nsource = "https://example.org"\n'
        'lines = [{ name = "A line", contact = "call 1" }]\n'
    )
    with pytest.raises(Exception, match=r"line 1: \[NZ\]\.checked: Field required"):
        crisis.table(home)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[nz]\ncountry = "NZ"\n',
            r"crisis.toml, line 1: \[nz\] is not a country code; use the two",
        ),
        ("NZ = 1\n", r"crisis.toml: NZ must be a table \[NZ\] with country, emergency"),
        ('[NZ]\ncountry = ""\n', r"crisis.toml, line 2: \[NZ\]\.country: String should have at"),
    ],
)
def test_a_user_crisis_file_is_refused_by_code_or_field(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "crisis.toml").write_text(text)
    with pytest.raises(InputError, match=message):
        crisis.table(tmp_path)


def test_gb_and_its_alias_uk(run: Callable[..., Result], run_json: Callable[..., Any],
                            tmp_path: Path) -> None:  # fmt: skip
    assert run("config", "locale", "GB").exit_code == 0
    assert flagged(run_json, tmp_path)["crisis_resources"][0]["contact"] == "call 116 123"
    assert run("config", "locale", "uk").stdout.strip() == "locale = GB"
    out = run_json("crisis")
    assert out["code"] == "GB" and out["resources"][-1]["contact"] == "call 999"


@pytest.mark.parametrize("locale", ["other", "ZZ"])
def test_other_and_an_unknown_code_never_show_another_countrys_number(
    locale: str, run_json: Callable[..., Any], tmp_path: Path, home: Path
) -> None:
    write_settings(home, f'locale = "{locale}"\n')  # an old file, or one edited by hand
    out = flagged(run_json, tmp_path)
    text = json.dumps(out["crisis_resources"])
    assert "findahelpline.com" in text and "your local emergency number" in text
    assert not any(n in text for n in ("988", "911", "116 123", "999"))


def test_a_hand_edited_known_country_works_everywhere(
    run: Callable[..., Result], run_json: Callable[..., Any], tmp_path: Path, home: Path
) -> None:
    write_settings(home, 'locale = "DE"\n')
    assert flagged(run_json, tmp_path)["crisis_resources"][0]["name"] == "TelefonSeelsorge"
    assert run("status").exit_code == 0


def test_a_bad_country_is_refused_and_names_the_choices(
    run: Callable[..., Result], home: Path
) -> None:
    run("config", "locale", "GB")
    run("status")  # reading keeps the parse beside the file; not part of what is compared
    before = digest(home)
    result = run("config", "locale", "Mars")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "locale must be a country code from the crisis data (" in result.stderr
    assert "GB" in result.stderr and "other" in result.stderr and "'Mars'" in result.stderr
    assert digest(home) == before


def test_no_list_of_countries_in_the_settings_code() -> None:
    assert not hasattr(settings, "LOCALES")
    assert settings.DEFAULTS.locale == crisis.OTHER


def test_crisis_command(run: Callable[..., Result], run_json: Callable[..., Any]) -> None:
    assert "findahelpline.com" in run("crisis").stdout  # no country set yet
    run("config", "locale", "AU")
    text = run("crisis").stdout
    assert "Lifeline: call 13 11 14" in text and "000" in text and "checked" in text
    listed = run_json("crisis", "--list")["countries"]
    assert [c["code"] for c in listed][-1] == "other"
    assert {"US", "GB", "IE", "AU", "DE"} <= {c["code"] for c in listed}
    assert all(c["source"] and c["checked"] for c in listed)
    assert "crisis" in run("--help").stdout and "--list" in run("crisis", "--help").stdout


def test_a_users_file_adds_a_country(
    run: Callable[..., Result], run_json: Callable[..., Any], home: Path
) -> None:
    assert "IS" not in BUILTIN
    home.mkdir(mode=0o700)
    (home / "crisis.toml").write_text(
        '[IS]\ncountry = "Iceland"\nemergency = "112"\n'
        'source = "https://example.org/is"\nchecked = 2026-12-01\n'
        'lines = [{ name = "A line I checked", contact = "call 1234", hours = "24/7" }]\n'
    )
    assert run("config", "locale", "is").exit_code == 0
    out = run_json("crisis")
    assert out["code"] == "IS" and out["resources"][0]["contact"] == "call 1234"


def test_canada_gets_its_own_line_and_911(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    assert run("config", "locale", "ca").exit_code == 0
    out = run_json("crisis")
    assert out["code"] == "CA" and out["country"] == "Canada"
    assert out["resources"][0]["contact"] == "call or text 988"
    assert out["resources"][-1]["contact"] == "call 911"
    assert out["source"].startswith("https://camh.ca/")


def test_germany_lists_telefonseelsorge_third_number(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("config", "locale", "DE")
    contact = run_json("crisis")["resources"][0]["contact"]
    assert all(n in contact for n in ("0800 111 0 111", "0800 111 0 222", "116 123"))


def test_a_broken_users_file_names_file_line_and_field(
    run: Callable[..., Result], home: Path
) -> None:
    home.mkdir(mode=0o700)
    (home / "crisis.toml").write_text(
        '[NZ]\ncountry = "New Zealand"\nemergency = "111"\nsource = "example.org"\n'
        'checked = 2026-12-01\nlines = [{ name = "A line", contact = "call 1" }]\n'
    )
    result = run("crisis")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"{home / 'crisis.toml'}, line 4: [NZ].source: must be the web address" in result.stderr
    (home / "crisis.toml").write_text('[NZ]\ncountry = "New Zealand"\nlines = [{ nme = "x" }]\n')
    result = run("crisis")
    assert "line 1: [NZ].emergency: Field required" in result.stderr


def test_status_and_log_never_load_the_crisis_data(tmp_path: Path) -> None:
    env_home = tmp_path / "h"
    code = (
        "import sys\nfrom tracker.cli.group import cli\n"
        "for args in (['log', '--sessions', '1', '--written', '1'], ['status', '--json']):\n"
        "    try:\n        cli.main(args)\n    except SystemExit:\n        pass\n"
        "print('tracker.crisis' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"CAUGHTUP_HOME": str(env_home), "CAUGHTUP_NOW": "2026-11-22T10:00", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
