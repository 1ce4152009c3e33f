"""The app, cron and the command line on one data folder at once: nothing lost, nothing stale.

The app runs in a process of its own (tests/app_driver.py, through Textual's pilot) and the
installed `caughtup` in others, as on a clinician's machine with the app open all day, `remind`
from cron and a second terminal. The figures in README's "Reliability" section come from here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.app_driver import AppProcess
from tests.conftest import NOW

CAUGHTUP = Path(sys.executable).with_name("caughtup")


def caughtup(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as another terminal runs it."""
    env = {**os.environ, "CAUGHTUP_HOME": str(home), "CAUGHTUP_NOW": NOW, "TZ": "UTC"}
    return subprocess.run([CAUGHTUP, *args], env=env, capture_output=True, text=True, check=False)


def ok_json(home: Path, *args: str) -> Any:
    result = caughtup(home, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def database(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "caughtup.db")


def no_failure(answer: dict[str, Any]) -> None:
    assert "error" not in answer, answer
    failed = [t for t in answer["toasts"] if t.startswith("Not saved")]
    assert not failed, failed


def test_the_app_and_the_cli_write_at_once(home: Path) -> None:
    """Marking notes written in the app while another terminal runs status, add and done.

    Before the fix, the app read the database header with open() in each worker: closing that
    descriptor dropped the app's SQLite locks, the next `caughtup status` took itself for the
    last user and deleted the WAL under the app, and writes on both sides were lost.
    """
    added: dict[int, str] = {}  # every id the CLI acknowledged, with its client reference
    for n in range(8):
        added[ok_json(home, "add", "--date", "2026-11-20", "--client", f"S{n}")["id"]] = f"S{n}"
    written: set[int] = set()
    started = time.monotonic()
    with AppProcess(home) as app:
        for n in range(6):
            mine = min(set(added) - written)
            answer = app.do(do="done", id=mine)
            no_failure(answer)
            written.add(mine)
            ok_json(home, "status")  # its closing connection deleted the WAL under the app
            new = ok_json(home, "add", "--date", "2026-11-21", "--client", f"R{n}")["id"]
            assert new not in added, f"id {new} given again"
            added[new] = f"R{n}"
            theirs = max(set(added) - written)
            ok_json(home, "done", str(theirs))
            written.add(theirs)
            no_failure(app.do(do="checkin", fields={"sessions": str(n + 2), "written": "1"}))
            # The app shows what the other terminal did once it looks (as on regaining focus).
            shown = app.do(do="look", screen="backlog")["shown"]["rows"]
            listed = [i["id"] for i in ok_json(home, "backlog")["items"]]
            assert shown == listed and set(added) - written <= set(listed)
    elapsed = time.monotonic() - started
    with database(home) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(conn.execute("SELECT id, client_ref FROM items WHERE source = 'item'"))
        open_ids = {r[0] for r in conn.execute("SELECT id FROM items WHERE written_at IS NULL")}
        day = conn.execute("SELECT sessions, written FROM days").fetchall()
    assert rows == added  # every acknowledged add, under the id it was given
    assert open_ids & written == set()  # every acknowledged "written" stayed written
    assert day == [(7, 1)]
    print(f"\napp + CLI: 6 rounds of 6 writes (3 from the app) in {elapsed:.1f} s")
