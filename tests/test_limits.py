"""Odd values and hostile files: one date range everywhere, inputs too big, too deep or not
files at all, imports that would plant a crash, EHR re-imports, and a tidy data folder (stray
temp files, pruned backups, owner-only permissions)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tests.test_faults import one_line, populate

Run = Callable[..., Result]


# -- one date range ----------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["UTC", "Pacific/Kiritimati", "America/Adak", "Asia/Kolkata"])
@pytest.mark.parametrize(
    "args",
    [
        ["add", "--date", "0001-01-01"],
        ["add", "--date", "9999-12-31"],
        ["add", "--date", "1999-12-31"],
        ["edit", "1", "--date", "0001-01-01"],
        ["done", "1", "--at", "0001-01-01T00:00"],
        ["done", "1", "--at", "9999-12-31T23:59"],
        ["log", "--date", "0001-01-02", "--sessions", "1", "--written", "1"],
        ["plan", "--target", "9999-12-31"],
        ["plan", "--start", "2101-01-01"],
    ],
)
def test_every_date_a_user_gives_is_from_2000_to_2100(
    run: Run, home: Path, monkeypatch: pytest.MonkeyPatch, tz: str, args: list[str]
) -> None:
    run("add", "--date", "2026-11-20")
    monkeypatch.setenv("TZ", tz)
    before = digest(home)
    line = one_line(run(*args))
    assert "from 2000-01-01 to 2100-12-31" in line, line
    assert digest(home) == before


@pytest.mark.parametrize("pinned", ["0001-01-01T00:00", "9999-12-31T23:59", "1970-01-01T00:00"])
def test_caughtup_now_is_in_the_range_too(
    run: Run, monkeypatch: pytest.MonkeyPatch, pinned: str
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", pinned)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    for args in (["status"], ["add", "--date", "2026-11-20"], ["trends"]):
        assert "CAUGHTUP_NOW must be a date-time from 2000-01-01" in one_line(run(*args))


def test_the_edges_of_the_range_are_accepted(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("add", "--date", "2000-01-01").exit_code == 0
    monkeypatch.setenv("CAUGHTUP_NOW", "2100-12-31T23:00")
    assert run("add", "--date", "2100-12-31").exit_code == 0
    assert run("done", "2", "--at", "2100-12-31T22:30").exit_code == 0
    for args in (["status"], ["backlog"], ["trends"], ["plan", "--preview"], ["remind"]):
        assert run(*args).exit_code == 0, args


# -- inputs too big, too deep, or no file at all ----------------------------------------------------


def test_a_json_number_over_4300_digits_is_one_line(run: Run, home: Path, tmp_path: Path) -> None:
    populate(run, 2)
    doc = json.loads(run("export").stdout)
    doc["tables"]["items"]["rows"][0][0] = 0  # replaced below by the long number's text
    text = json.dumps(doc, separators=(",", ":")).replace(
        '"rows":[[0,', '"rows":[[' + "9" * 5000 + ",", 1
    )
    (tmp_path / "big.json").write_text(text)
    before = digest(home)
    assert "number too long" in one_line(run("import", str(tmp_path / "big.json")))
    assert digest(home) == before
    (tmp_path / "answers.json").write_text('{"notes_dread": ' + "9" * 5000 + "}")
    line = one_line(run("selfcheck", "--answers", str(tmp_path / "answers.json")))
    assert "--answers" in line


def test_a_settings_file_nested_5000_deep_is_one_line(run: Run, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "settings.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    (home / "settings.toml").chmod(0o600)
    for args in (["status"], ["config"], ["log", "--sessions", "1", "--written", "1"]):
        result = run(*args)
        assert "nests tables or lists too deeply" in one_line(result)
        assert len(result.stderr) < 400


def test_a_settings_file_with_a_bom_is_read(
    run: Run, run_json: Callable[..., Any], home: Path
) -> None:
    home.mkdir(parents=True)
    (home / "settings.toml").write_bytes(b"\xef\xbb\xbf[rules]\nthreshold = 3\n")
    (home / "settings.toml").chmod(0o600)
    assert run_json("status")["threshold"] == 3
    assert run("config", "rules.threshold").stdout.startswith("rules.threshold = 3")


def test_import_refuses_a_device_and_a_fifo_without_waiting(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path / "home")}
    for source in ("/dev/zero", str(fifo)):
        for extra in ([], ["--map", "date=Date"]):
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "tracker", "import", source, *extra],
                env=env, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            assert proc.returncode == 2, proc.stderr
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
            assert "not a file" in proc.stderr or "device" in proc.stderr or "FIFO" in proc.stderr
            assert time.monotonic() - started < 30
    answers = one_line(run("selfcheck", "--answers", str(fifo)))
    assert "FIFO" in answers


def test_an_empty_note_type_list_is_refused(run: Run, home: Path) -> None:
    run("add", "--date", "2026-11-20")
    before = digest(home)
    for value in ("", " , ", ","):
        assert "at least one note type" in one_line(run("config", "rules.note_types", value))
    assert digest(home) == before
    assert run("add", "--date", "2026-11-20").exit_code == 0


# -- imports that would plant a crash ------------------------------------------------------------


def bad_export(run: Run, tmp_path: Path, table: str, column: str, value: Any) -> Path:
    doc = json.loads(run("export").stdout)
    part = doc["tables"][table]
    part["rows"][0][part["columns"].index(column)] = value
    path = tmp_path / f"bad-{table}-{column}.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def full_export(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with a sprint, blocks and self-checks (the demo's), as the current one."""
    from tracker import demo

    home = tmp_path / "full"
    demo.build(home)
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    return home


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("sprints", "params", "{bad", "must be JSON text holding the plan's options"),
        ("sprints", "params", '{"days": ["someday"]}', "must be JSON text holding the plan's"),
        ("sprints", "params", '{"block_minutes": 0}', "must be JSON text holding the plan's"),
        (
            "sprints",
            "baseline",
            '[["0001-01-01", 3]]',
            "must be JSON text holding a list of [date, notes left]",
        ),
        (
            "sprint_blocks",
            "groups",
            '[["progress", ["x"]]]',
            "must be JSON text holding a list of [note type, [item",
        ),
        ("sprint_blocks", "done_ids", "7", "must be JSON text holding a list of item ids"),
        ("selfchecks", "answers", "nope", "must be JSON text holding an object of item ids"),
        ("selfchecks", "scores", '{"overload": 900}', "must be JSON text holding an object of"),
        ("selfchecks", "profile", "sad", "must be one of documentation_overload"),
        ("pace", "minutes", 1e308, "must be a number from 1 to 240"),
    ],
)
def test_an_import_that_would_plant_a_crash_is_refused_by_row_and_field(
    run: Run, full_export: Path, tmp_path: Path, table: str, column: str, value: Any, words: str
) -> None:
    path = bad_export(run, tmp_path, table, column, value)
    before = digest(full_export)
    line = one_line(run("import", str(path), "--replace"))
    assert f"{table} row 1, field {column}: {words}" in line, line
    assert digest(full_export) == before
    for args in (["plan", "--preview"], ["trends"], ["remind"], ["backlog"]):
        assert run(*args).exit_code == 0, args


def test_every_import_takes_a_backup_first(
    run: Run,
    run_json: Callable[..., Any],
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    populate(run, 3)
    export = tmp_path / "e.json"
    run("export", "--out", str(export))
    doc = json.loads(export.read_text())
    for row in doc["tables"]["items"]["rows"]:
        row[0] += 100
    export.write_text(json.dumps(doc))
    items = len(doc["tables"]["items"]["rows"])
    report = run_json("import", str(export))
    assert report["replaced"] is False and report["tables"]["items"]["inserted"] == items
    copy = sqlite3.connect(report["backup"])
    assert copy.execute("SELECT count(*) FROM items").fetchone()[0] == items  # as it was before
    copy.close()
    assert "The data before the import is in" in run("import", str(export)).stdout
    monkeypatch.setenv("CAUGHTUP_HOME", str(tmp_path / "new"))  # an empty database: nothing to
    assert run_json("import", str(export))["backup"] is None  # lose, so no copy


# -- an EHR list imported again ----------------------------------------------------------------


EHR_HEADER = "Service Date,Note Type,Client,Signed\n"
EHR_ARGS = ["--map", "date=Service Date,type=Note Type,client=Client,written=Signed"]


def ehr_import(run_json: Callable[..., Any], path: Path, text: str, *extra: str) -> Any:
    path.write_text(text)
    return run_json("import", str(path), *EHR_ARGS, *extra)


def test_ehr_reimport_matches_a_row_signed_since_and_one_with_stray_spaces(
    run: Run, run_json: Callable[..., Any], tmp_path: Path
) -> None:
    ehr = tmp_path / "ehr.csv"
    first = ehr_import(run_json, ehr, EHR_HEADER + "2026-11-19,Progress,JD,\n"
                       "2026-11-20,Intake,KM,\n2026-11-20,Intake,KM,\n")  # fmt: skip
    assert (first["added"], run_json("status")["outstanding"]) == (3, 3)
    again = ehr_import(run_json, ehr, EHR_HEADER + "2026-11-19 ,progress note, JD ,2026-11-21\n"
                       "2026-11-20,Intake,KM,\n2026-11-20,Intake,KM,\n")  # fmt: skip
    assert (again["added"], again["updated_written"]) == (0, 1)
    assert run_json("status")["outstanding"] == 2
    items = run_json("backlog")["items"]
    assert [i["note_type"] for i in items] == ["intake", "intake"]


def test_ehr_reimport_with_an_id_column_closes_the_signed_item(
    run: Run, run_json: Callable[..., Any], tmp_path: Path
) -> None:
    ehr = tmp_path / "ehr.csv"
    header = "Encounter," + EHR_HEADER
    ehr_import(run_json, ehr, header + "E1,2026-11-19,Progress,JD,\nE2,2026-11-20,Group,G,\n",
               "--map", "id=Encounter")  # fmt: skip
    again = ehr_import(run_json, ehr, header + "E1,2026-11-19,Progress,JD,2026-11-21 17:30\n"
                       "E2,2026-11-20,Group,G,\n", "--map", "id=Encounter")  # fmt: skip
    assert (again["added"], again["updated_written"]) == (0, 1)
    assert [i["note_type"] for i in run_json("backlog")["items"]] == ["group"]


def test_ehr_reimport_leaves_an_item_written_in_caughtup_alone(
    run: Run, run_json: Callable[..., Any], tmp_path: Path
) -> None:
    ehr = tmp_path / "ehr.csv"
    ehr_import(run_json, ehr, EHR_HEADER + "2026-11-19,Progress,JD,\n")
    run("done", "1", "--at", "2026-11-20T09:00")
    again = ehr_import(run_json, ehr, EHR_HEADER + "2026-11-19,Progress,JD,2026-11-21\n")
    assert (again["added"], again["updated_written"]) == (0, 0)
    written = json.loads(run("export").stdout)["tables"]["items"]["rows"][0][11]
    assert written == "2026-11-20T09:00:00+00:00"


def test_a_list_imported_by_an_older_caughtup_still_matches(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    run("add", "--date", "2026-11-20")  # a database, and an item of the user's own
    conn = sqlite3.connect(home / "caughtup.db")
    conn.executemany(  # keys as caughtup made them before: the raw cells, a date first
        "INSERT INTO items (session_date, note_type, client_ref, created_at, source, import_key) "
        "VALUES ('2026-11-19', 'progress', ?, '2026-11-21T10:00:00+00:00', 'item', ?)",
        [("JD", "ehr-row:2026-11-19\x1f2026-11-19\x1fProgress\x1fJD\x1f\x1e1"),
         ("JD", "ehr-row:2026-11-19\x1f2026-11-19\x1fProgress \x1fJD\x1f\x1e1")],
    )  # fmt: skip
    conn.commit()
    conn.close()
    again = ehr_import(
        run_json, tmp_path / "ehr.csv",
        EHR_HEADER + "2026-11-19,Progress,JD,2026-11-21\n2026-11-19,Progress,JD,\n",
    )  # fmt: skip
    assert (again["added"], again["updated_written"]) == (0, 1)
    assert run_json("status")["outstanding"] == 2


# -- a tidy data folder ------------------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stray_temp_files_are_cleaned_on_the_next_start(run: Run, home: Path) -> None:
    populate(run, 2)
    run("backup")
    gone, alive = dead_pid(), os.getpid()
    strays = [
        home / f".settings.toml.{gone}.tmp",
        home / f".caughtup.db.{gone}.0badc0de.tmp",
        home / f".caughtup.db.{gone}.0badc0de.tmp-wal",
        home / "backups" / f".caughtup-20261120T100000Z.db.{gone}.12345678.tmp",
        home / "backups" / f".caughtup-20261120T100000Z.db.{gone}.12345678.tmp-journal",
    ]
    kept = [
        home / f".settings.toml.{alive}.tmp",  # its writer may be at work
        home / "notes.tmp",  # not caughtup's name: never touched
        home / f".export.json.{gone}.tmp.keep",
    ]
    old = home / f".settings.toml.{alive}.0badc0de.tmp"  # a PID alive, but a day old: a stray
    fresh = home / f".settings.toml.{gone}.0badc0de.tmp"  # a minute's grace: another namespace?
    for path in [*strays, *kept, old, fresh]:
        path.write_text("x")
        os.utime(path, (time.time() - 120,) * 2)
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    os.utime(fresh, None)
    assert run("status").exit_code == 0
    assert not [p for p in [*strays, old] if p.exists()]
    assert all(p.exists() for p in [*kept, fresh])


def _copy_named(source: Path, folder: Path, when: datetime, kind: str = "") -> Path:
    name = f"caughtup-{when:%Y%m%dT%H%M%SZ}" + (f"-{kind}" if kind else "") + ".db"
    target = folder / name
    target.write_bytes(source.read_bytes())
    return target


def test_backups_are_pruned_by_the_settings_but_never_the_newest_good_one(
    run: Run, run_json: Callable[..., Any], home: Path
) -> None:
    from tracker import backups

    populate(run, 2)
    good = Path(run_json("backup")["path"])
    folder = good.parent
    now = datetime.now(UTC)
    for day in range(1, 90):  # a daily plain backup for three months, and some of other kinds
        _copy_named(good, folder, now - timedelta(days=day))
    for n in range(1, 15):
        _copy_named(good, folder, now - timedelta(hours=n), "before-import")
    damaged = _copy_named(good, folder, now - timedelta(days=400), "damaged")
    made = run_json("backup")
    kinds: dict[str, list[backups.Copy]] = {}
    for copy in backups.copies(home):
        kinds.setdefault(copy.kind, []).append(copy)
    assert len(kinds["before-import"]) == 10  # the last 10 of that kind
    plain = kinds["backup"]
    # the last 10, and the newest of each of the last 8 weeks (some of them among the 10)
    assert 10 <= len(plain) <= 18 and Path(made["path"]) in [c.path for c in plain]
    weeks = {(now - c.made).days // 7 for c in plain}
    assert weeks >= set(range(8))
    assert damaged.exists()  # a damaged file set aside is the only copy of what it holds
    assert not {Path(p) for p in made["pruned"]} & {c.path for c in backups.copies(home)}
    # Keep only the last 2; every copy but an old one is corrupt: that old one stays.
    good_old = _copy_named(good, folder, now - timedelta(days=500))
    for copy in backups.copies(home):
        if copy.path not in (good_old, damaged):
            copy.path.write_bytes(b"not a database" * 100)
    backups.prune(home, keep_last=2, keep_weeks=0, now=now)
    assert good_old.exists() and damaged.exists()
    assert len(backups.copies(home)) == 2 + 1 + 1 + 2  # 2 plain, good_old, damaged, 2 imports
    assert backups.newest_good(home) == good_old


def test_a_database_readable_by_others_is_tightened_with_one_warning(run: Run, home: Path) -> None:
    populate(run, 1)
    db = home / "caughtup.db"
    db.chmod(0o644)
    home.chmod(0o755)
    result = run("add", "--date", "2026-11-20")
    assert result.exit_code == 0
    assert result.stderr.count("readable by other users") == 1
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert "readable" not in run("status").stderr


def test_a_database_of_another_user_is_only_warned_about(run: Run, home: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("giving the file to another user needs root")
    populate(run, 1)
    db = home / "caughtup.db"
    db.chmod(0o644)
    os.chown(db, 4242, -1)
    result = run("status")
    assert result.exit_code == 0 and "its owner can run chmod 600" in result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o644


def test_add_prints_the_settings_permission_warning_once(run: Run, home: Path) -> None:
    run("config", "rules.threshold", "4")
    (home / "settings.toml").chmod(0o644)
    result = run("add", "--date", "2026-11-20", "--type", "intake")
    assert result.exit_code == 0 and result.stderr.count("readable by other users") == 1
