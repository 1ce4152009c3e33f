"""The app, cron and the command line on one data folder at once: nothing lost, nothing stale.

The app runs in a process of its own (tests/app_driver.py, through Textual's pilot) and the
installed `caughtup` in others, as on a clinician's machine with the app open all day, `remind`
from cron and a second terminal. The figures in docs/reliability.md come from here.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import subprocess
import sys
import time
import tomllib
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlparse

import pytest
from click.testing import Result
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import make_app
from tests.app_driver import AppProcess, settle
from tests.conftest import NOW
from tests.processes import Runner
from tracker import settings as settings_mod
from tracker.models import Item
from tracker.paths import SETTINGS_CHECKED_NAME
from tracker.store import Store
from tracker.workspace import Workspace

CAUGHTUP = Path(sys.executable).with_name("caughtup")
LATER = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


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


ROUNDS = 4


def test_the_app_and_the_cli_write_at_once(fast_dir: Path) -> None:
    """Marking notes written in the app while another terminal runs status, add and done.

    Before the fix, the app read the database header with open() in each worker: closing that
    descriptor dropped the app's SQLite locks, the next `caughtup status` took itself for the
    last user and deleted the WAL under the app, and writes on both sides were lost.
    """
    home = fast_dir / "home"
    refs = [f"S{n}" for n in range(8)]
    with Store.open(home, UTC) as store:
        ids = store.add_items([Item(None, date(2026, 11, 20), client_ref=r) for r in refs], LATER)
    added = dict(zip(ids, refs, strict=True))  # every id acknowledged, with its client reference
    written: set[int] = set()
    started = time.monotonic()
    with AppProcess(home) as app:
        for n in range(ROUNDS):
            mine = min(set(added) - written)
            no_failure(app.do(do="done", id=mine))
            written.add(mine)
            ok_json(home, "status")  # its closing connection deleted the WAL under the app
            new = ok_json(home, "add", "--date", "2026-11-21", "--client", f"R{n}")["id"]
            assert new not in added, f"id {new} given again"
            added[new] = f"R{n}"
            theirs = max(set(added) - written)
            ok_json(home, "done", str(theirs))
            written.add(theirs)
            if n % 2:
                sessions = n + 2
                answer = app.do(do="checkin", fields={"sessions": str(sessions), "written": "1"})
                no_failure(answer)
                assert any(t.startswith("Saved") for t in answer["toasts"]), answer
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
    assert day == [(sessions, 1)]
    print(f"\napp + CLI: {ROUNDS} rounds of 3 reads and 3 to 4 writes in {elapsed:.1f} s")


# -- races between two commands ------------------------------------------------------------------


def race(
    home: Path,
    pairs: list[tuple[list[str], list[str]]],
    after: Callable[[int], None] = lambda n: None,
) -> float:
    """Run each pair of commands at the same moment in two processes; both must succeed.
    `after(n)` runs once pair n is done. Returns the seconds it all took."""
    first, second = Runner(home), Runner(home)
    started = time.monotonic()
    try:
        for n, (one, two) in enumerate(pairs):
            # The first starts from 0.9 ms before the second to 0.9 ms after, in 0.2 ms steps.
            first.send(one, delay=(n % 10) * 0.0002)
            second.send(two, delay=0.0009)
            for runner, args in ((first, one), (second, two)):
                code, _, err = runner.result()
                assert code == 0, (args, err)
            after(n)
    finally:
        first.close()
        second.close()
    return time.monotonic() - started


PAIRS = 200


def test_done_and_edit_at_the_same_moment_both_land(fast_dir: Path) -> None:
    """In 60 tries, 27 notes were open again although `done` had said "written" (the edit wrote
    back every field it had read before, written_at among them). In RAM, where a commit takes
    no fsync, the window is narrower: the old code lost 4 to 9 of these 200."""
    home = fast_dir / "home"
    with Store.open(home, UTC) as store:
        ids = store.add_items([Item(None, date(2026, 11, 20)) for _ in range(PAIRS)], LATER)
    elapsed = race(home, [(["done", str(i)], ["edit", str(i), "--billed"]) for i in ids])
    with database(home) as conn:
        lost = conn.execute("SELECT count(*) FROM items WHERE written_at IS NULL").fetchone()[0]
        unbilled = conn.execute("SELECT count(*) FROM items WHERE billed = 0").fetchone()[0]
    print(f"\ndone/edit: {PAIRS} pairs in {elapsed:.1f} s, {lost} lost done, {unbilled} lost edits")
    assert (lost, unbilled) == (0, 0)


def test_two_config_commands_at_once_both_land(fast_dir: Path) -> None:
    """Two `config` at once lost one setting in 14 of 40 pairs, both exiting 0 (the old code
    lost 78 to 174 of these 200)."""
    home = fast_dir / "home"
    wanted = [(2 + n % 90, 1 + n % 300) for n in range(PAIRS)]
    lost = []

    def both_there(n: int) -> None:
        rules = tomllib.loads((home / "settings.toml").read_text())["rules"]
        if (rules["threshold"], rules["rule_hours"]) != wanted[n]:
            lost.append(n)

    pairs = [
        (["config", "rules.threshold", str(t)], ["config", "rules.rule_hours", str(h)])
        for t, h in wanted
    ]
    elapsed = race(home, pairs, both_there)
    print(f"\nconfig/config: {PAIRS} pairs in {elapsed:.1f} s, {len(lost)} lost")
    assert lost == []
    # The fingerprint beside the file (for `status`) names the text the file holds now.
    text = (home / "settings.toml").read_text()
    assert (home / SETTINGS_CHECKED_NAME).read_text() == settings_mod.fingerprint(text)
    assert settings_mod.load(home).rules.threshold == wanted[-1][0]


# -- the app's saves against changes made from the command line ----------------------------------


def test_the_apps_saves_change_only_what_the_user_changed(home: Path) -> None:
    """The Today form, a Settings field and ctrl+t, each after the CLI changed the same data."""
    ok_json(home, "config", "notify.urls", "json://127.0.0.1:9/a,json://127.0.0.1:9/b")
    ok_json(home, "log", "--sessions", "5", "--written", "3")
    with AppProcess(home) as app:
        before = app.do(do="look", screen="today")["shown"]
        assert before["fields"]["sessions"] == "5"
        # Another terminal logs the day again and revokes a notification URL.
        ok_json(home, "log", "--sessions", "8", "--written", "5", "--after-hours", "40")
        ok_json(home, "config", "notify.urls", "json://127.0.0.1:9/b")
        ok_json(home, "config", "rules.threshold", "3")
        # A dread rating typed into the form loaded before: only dread is saved.
        no_failure(app.do(do="checkin", fields={"dread": "3"}))
        # The theme, and a setting on the Settings screen: only those keys change.
        app.do(do="theme")
        no_failure(app.do(do="setting", key="notify.quiet_hours", value="20:00-07:00"))
        today = app.do(do="look", screen="today")["shown"]
        settings_shown = app.do(do="look", screen="settings")["shown"]["fields"]
    with database(home) as conn:
        day = conn.execute("SELECT sessions, written, after_hours, dread FROM days").fetchone()
    assert day == (8, 5, 40, 3)
    assert today["fields"] | {"cleared": ""} == {
        "sessions": "8",
        "written": "5",
        "cleared": "",
        "after_hours": "40",
        "dread": "3",
        "drained": "",
    }
    assert (
        "3 outstanding, threshold 3" in today["glance"] and "catch up now" in today["glance"]
    )  # not "5 ok"
    settings = tomllib.loads((home / "settings.toml").read_text())
    assert settings["notify"]["urls"] == ["json://127.0.0.1:9/b"]  # not brought back
    assert settings["notify"]["quiet_hours"] == "20:00-07:00"
    assert settings["rules"]["threshold"] == 3
    assert settings["theme"] == "textual-light"
    assert settings_shown["set-rules-threshold"] == "3"  # the screen shows the CLI's change


# -- no direct read of a database file this process has open -------------------------------------


class CountedConnection(sqlite3.Connection):
    """A SQLite connection that counts itself, per database file, while it is open."""

    live: ClassVar[Counter[tuple[int, int]]] = Counter()

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        name = str(database)
        if name.startswith("file:"):
            name = unquote(urlparse(name).path)
        self.file = file_id(name)
        if self.file is not None:
            self.live[self.file] += 1

    def close(self) -> None:
        if self.file is not None:
            self.live[self.file] -= 1
            self.file = None
        super().close()


@functools.cache
def counting(factory: type) -> type:
    """`factory`, a Connection class, made to count itself too."""
    if factory is sqlite3.Connection:
        return CountedConnection
    return type(f"Counted{factory.__name__}", (CountedConnection, factory), {})


def file_id(path: Any) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return st.st_dev, st.st_ino


# Reads of an open database file, with where they came from; None while no test watches. An
# audit hook cannot be removed, so it is added once and only looks while a test asks it to.
direct_reads: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if direct_reads is None or event != "open" or isinstance(args[0], int):
        return
    file = file_id(args[0])
    if file is not None and CountedConnection.live[file] > 0:
        direct_reads.append(f"{args[0]}\n{''.join(traceback.format_stack(limit=12))}")


sys.addaudithook(_audit)


@pytest.fixture
def watch_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count every SQLite connection; record every open() (builtins, io, os, Path) of a file
    one of them has open."""
    global direct_reads
    connect = sqlite3.connect

    def counted(*args: Any, factory: type = sqlite3.Connection, **kwargs: Any) -> Any:
        return connect(*args, factory=counting(factory), **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counted)
    direct_reads = []
    try:
        yield direct_reads
    finally:
        direct_reads = None


async def test_no_code_opens_the_database_file_while_a_connection_is_open(
    home: Path, run: Callable[..., Result], watch_reads: list[str], tmp_path: Path
) -> None:
    """The app on every screen, saving through its workers, while commands run in its process."""
    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):
        assert run("add", "--date", day).exit_code == 0
    # The watch itself: a direct read of the open file is caught.
    with Store.open(home, UTC) as store:
        store.path.read_bytes()
    assert len(watch_reads) == 1
    watch_reads.clear()

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await run_screen_actions(pilot)
        # Commands in the same process while the app's connections are open.
        for args in (
            ["status", "--json"],
            ["add", "--date", "2026-11-21"],
            ["done", "2"],
            ["edit", "3", "--court"],
            ["log", "--sessions", "4", "--written", "2"],
            ["plan", "--notes-per-block", "2"],
            ["backup"],
            ["export", "--out", str(tmp_path / "export.json")],
            ["config", "rules.threshold", "4"],
        ):
            assert run(*args).exit_code == 0, args
        app.post_message(events.AppFocus())
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
    assert watch_reads == []
    assert CountedConnection.live.total() > 0  # the app's connections were counted


async def run_screen_actions(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await pilot.press("escape", "b")  # Backlog: mark the first note written
    await settle(pilot)
    await pilot.press("d", "enter")
    await settle(pilot)
    await pilot.press("escape", "escape", "t")  # Today: a check-in
    await settle(pilot)
    app.screen.query_one("#sessions", Input).value = "3"
    await pilot.press("ctrl+s")
    await settle(pilot)
    app.screen.set_focus(None)
    for key in ("s", "r", "w", "o"):  # Sprint (r saves a plan), Trends, Settings
        await pilot.press(key)
        await settle(pilot)
    await pilot.press("ctrl+t")
    await settle(pilot)


# -- how the app notices changes made elsewhere ---------------------------------------------------


def test_the_workspace_sees_changes_made_elsewhere(home: Path, run: Callable[..., Result]) -> None:
    """What the app's look every 2 s asks: data_version on a connection of its own, a stat."""
    ws = Workspace(home)
    assert ws.settings.rules.threshold == 5
    assert ws.changes() == (False, False)  # the first look sets the baseline
    assert run("add", "--date", "2026-11-20").exit_code == 0  # another connection commits
    assert ws.changes() == (True, False)
    assert ws.changes() == (False, False)
    assert run("config", "rules.threshold", "7").exit_code == 0
    assert ws.changes() == (False, True) and ws.settings.rules.threshold == 7
    (home / "settings.toml").write_text("[rules\n")  # a hand edit, half done
    assert ws.changes() == (False, False) and ws.settings.rules.threshold == 7
    ws.close()


def test_a_replan_that_changes_nothing_writes_nothing(
    home: Path, run: Callable[..., Result]
) -> None:
    """The Sprint screen re-plans whenever the data changes: that must not count as a change."""
    for day in (16, 17, 18):
        run("log", "--date", f"2026-11-{day}", "--sessions", "5", "--written", "0")
    assert run("plan", "--notes-per-block", "4").exit_code == 0
    with Store.open(home, UTC) as store:
        before = store.data_version()
        assert run("plan").exit_code == 0
        assert store.data_version() == before
        assert run("plan", "--notes-per-block", "5").exit_code == 0
        assert store.data_version() != before
