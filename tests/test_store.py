"""The store as a package: schema steps through sqlite-utils' Migrations (once, all or none),
their history kept out of the user's data, and the families `status` never uses loaded only
when used."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tests.test_reliability import make_v1_database
from tracker.errors import InputError
from tracker.store import SCHEMA_VERSION, Store
from tracker.store.schema import HISTORY_SET, HISTORY_TABLE, STEPS

Run = Callable[..., Result]
STEP_NAMES = [name for name, _ in STEPS]


def history(db: Path) -> list[tuple[str, str]]:
    """(step name, applied at) of caughtup's steps in sqlite-utils' history, in order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            f"SELECT name, applied_at FROM {HISTORY_TABLE} WHERE migration_set = ? ORDER BY id",
            (HISTORY_SET,),
        ).fetchall()
    finally:
        conn.close()


def test_an_upgrade_records_every_step_once_and_the_next_open_changes_nothing(
    home: Path,
) -> None:
    make_v1_database(home)
    Store.open(home, UTC).close()
    first = history(home / "caughtup.db")
    assert [name for name, _ in first] == STEP_NAMES
    Store.open(home, UTC).close()
    assert history(home / "caughtup.db") == first
    conn = sqlite3.connect(home / "caughtup.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(STEPS)
    assert "notation" in {r[1] for r in conn.execute("PRAGMA table_info(items)")}  # v7 ran
    conn.close()


OPENER = """
import os, sys, time
from datetime import UTC
from pathlib import Path
from tracker.store import Store
sync = Path(sys.argv[2])
(sync / f"ready-{os.getpid()}").touch()
while not (sync / "go").exists():
    time.sleep(0.0005)
Store.open(Path(sys.argv[1]), UTC).close()
"""


def test_processes_opening_an_old_database_at_once_upgrade_it_once(fast_dir: Path) -> None:
    """Before the fix, 7 of 20 such processes failed: two took the same name for a backup."""
    for attempt in range(3):
        home, sync = fast_dir / f"h{attempt}", fast_dir / f"sync{attempt}"
        make_v1_database(home)
        sync.mkdir()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(home), str(sync)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        deadline = time.monotonic() + 30
        while len(list(sync.glob("ready-*"))) < len(procs) and time.monotonic() < deadline:
            time.sleep(0.005)
        (sync / "go").touch()  # every process imported and waiting: they open at once
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        assert [name for name, _ in history(home / "caughtup.db")] == STEP_NAMES
        with Store.open(home, UTC) as store:
            assert len(store.items()) == 3
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_step_that_fails_takes_every_step_before_it_back(home: Path) -> None:
    """A schema-5 file that already has step 6's column: step 6 fails, and with it steps 1-5's
    records and the history table; the file stays at schema 5 with its rows."""
    home.mkdir(mode=0o700)
    conn = sqlite3.connect(home / "caughtup.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for _, sql in STEPS[:5]:
        conn.executescript(sql)
    conn.execute("ALTER TABLE items ADD COLUMN import_key TEXT")
    conn.execute("INSERT INTO items (session_date, created_at) VALUES ('2026-11-20', 'x')")
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    with pytest.raises(InputError, match="duplicate column name: import_key"):
        Store.open(home, UTC)
    conn = sqlite3.connect(home / "caughtup.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert HISTORY_TABLE not in tables
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 1
    conn.close()
    assert list((home / "backups").glob(f"*before-schema-{SCHEMA_VERSION}.db"))


def test_the_schema_history_is_not_the_users_data(run: Run, home: Path, tmp_path: Path) -> None:
    """Not exported, kept by `import --replace`, and no reason for a backup before an import."""
    home.mkdir(mode=0o700)
    conn = sqlite3.connect(home / "caughtup.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(STEPS[0][1])
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    (home / "caughtup.db").chmod(0o600)
    assert run("status").exit_code == 0  # upgrades: the history now has rows, the data none
    export = tmp_path / "export.json"
    source = tmp_path / "source"
    env = {**os.environ, "CAUGHTUP_HOME": str(source)}
    for args in (["add", "--date", "2026-11-20"], ["export", "--out", str(export)]):
        subprocess.run([sys.executable, "-m", "tracker", *args], env=env, check=True)
    result = run("import", str(export), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["backup"] is None
    ours = tmp_path / "ours.json"
    assert run("export", "--out", str(ours)).exit_code == 0
    assert HISTORY_TABLE not in json.loads(ours.read_text())["tables"]
    assert run("import", str(ours), "--replace").exit_code == 0
    assert [name for name, _ in history(home / "caughtup.db")] == STEP_NAMES


def test_a_conflicting_row_of_a_table_insert_all_loads_is_named_and_nothing_is_kept(
    run: Run, home: Path, tmp_path: Path
) -> None:
    for day in ("2026-11-18", "2026-11-19"):
        assert run("log", "--date", day, "--sessions", "4", "--written", "2").exit_code == 0
    export = tmp_path / "export.json"
    assert run("export", "--out", str(export)).exit_code == 0
    doc = json.loads(export.read_text())
    days = doc["tables"]["days"]
    new_day = list(days["rows"][0])
    new_day[days["columns"].index("day")] = "2026-11-10"
    days["rows"].append(new_day)  # goes in first (insert_all), then the conflict undoes it
    items = doc["tables"]["items"]
    items["rows"][0][items["columns"].index("note_type")] = "intake"
    export.write_text(json.dumps(doc))
    before = digest(home)
    result = run("import", str(export))
    assert result.exit_code == 2
    assert "items row 1: id 1 already exists with different values" in result.stderr
    assert digest(home) == before
    days["rows"][1][days["columns"].index("after_hours")] = 30
    export.write_text(json.dumps(doc))
    result = run("import", str(export))
    assert result.exit_code == 2
    assert "days row 2: day '2026-11-19' already exists with different values" in result.stderr
    assert digest(home) == before


def store_modules(args: list[str], home: Path) -> set[str]:
    """The modules of tracker.store that `caughtup ARGS` imports (and whether sqlite-utils)."""
    env = {**os.environ, "CAUGHTUP_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-800:]
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    return {n for n in names if n.startswith(("tracker.store", "sqlite_utils"))}


def test_status_and_log_load_only_the_store_modules_they_use(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store_modules(["log", "--sessions", "2", "--written", "1"], home)  # creates the database
    hot = {"tracker.store", "tracker.store.connection", "tracker.store.items"}
    assert store_modules(["status", "--json"], home) == hot
    assert store_modules(["log", "--sessions", "3", "--written", "1"], home) == {
        *hot,
        "tracker.store.days",
    }


REACH = """
import inspect, sys
from datetime import UTC
from pathlib import Path
import tracker.store as package
from tracker.store import LATER, Store
from tracker.store.connection import Connection
with Store.open(Path(sys.argv[1]), UTC) as store:
    found = 0
    for name in LATER:
        module = __import__(f"tracker.store.{name}", fromlist=["_"])
        for family in vars(module).values():
            if inspect.isclass(family) and issubclass(family, Connection) and family.__module__ == module.__name__:
                for attr, value in vars(family).items():
                    if callable(value) and not attr.startswith("__"):
                        assert getattr(store, attr).__func__ is value, attr
                        found += 1
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    try:
        store.no_such_method
    except AttributeError as exc:
        assert "no_such_method" in str(exc)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")
print(found)
"""


def test_every_method_of_a_family_loaded_later_is_a_method_of_store(tmp_path: Path) -> None:
    """In a fresh process, so the first lookup of each goes through the package's loader."""
    result = subprocess.run(
        [sys.executable, "-c", REACH, str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert int(result.stdout) >= 25  # log_day, load_rows, current_sprint, get_state, ...


def test_a_store_opened_by_another_family_first_still_works(tmp_path: Path) -> Any:
    with Store.open(tmp_path, UTC) as store:
        store.set_state("k", "v")
        assert store.get_state("k") == "v"
        assert store.tables()[0].name == "days"
