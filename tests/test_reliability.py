"""Data you can trust: SIGKILL mid-write, concurrent writers, damaged files, hostile input,
permissions, and upgrading a database made by the first schema version.

The figures in docs/reliability.md come from these tests.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import digest

# The check-in's module loaded before the writers fork, as `caughtup log` loads it before its
# write: the store imports it on a first check-in only (status never needs it).
from tracker import checkin  # noqa: F401
from tracker.cli.group import COMMANDS, cli
from tracker.models import DayLog, Item
from tracker.store import SCHEMA_VERSION, Store, backup_path
from tracker.store.schema import STEPS

Run = Callable[..., Result]
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# -- SIGKILL at random moments ------------------------------------------------------------------


def _writer(home: Path, round_no: int, ack: int) -> None:
    """The child: write forever, acknowledging each write only after it committed."""
    store = Store.open(home, UTC)
    n = 0
    while True:
        kind = n % 3
        if kind == 0:
            (item_id,) = store.add_items([Item(None, date(2026, 11, 20))], NOW)
            line = f"i {item_id}\n"
        elif kind == 1:
            day = date(2020, 1, 1) + timedelta(days=round_no * 50 + n // 3)
            store.log_day(DayLog(day=day, sessions=3, written=1), NOW)
            line = f"d {day.isoformat()}\n"
        else:
            key = f"crash.{round_no}.{n}"
            store.set_state(key, "x" * 2000)
            line = f"s {key}\n"
        os.write(ack, line.encode())
        n += 1


def test_sigkill_at_random_moments_loses_no_acknowledged_write(fast_dir: Path) -> None:
    home = fast_dir / "home"
    Store.open(home, UTC).close()
    rng = random.Random(8)
    acked: dict[str, set[str]] = {"i": set(), "d": set(), "s": set()}
    kills = 0
    started = time.perf_counter()
    for round_no in range(200):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_end)
            try:
                _writer(home, round_no, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        time.sleep(rng.uniform(0.0, 0.012))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        kills += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        os.close(read_end)
        for line in b"".join(chunks).decode().split("\n")[:-1]:  # the last may be cut short
            kind, value = line.split(" ")
            acked[kind].add(value)
    elapsed = time.perf_counter() - started
    db = home / "caughtup.db"
    assert integrity(db) == "ok"
    with Store.open(home, UTC) as store:
        items = {str(i.id) for i in store.items()}
        days = {d.day.isoformat() for d in store.days()}
        states = {k for k in acked["s"] if store.get_state(k) is not None}
    assert kills == 200
    assert sum(map(len, acked.values())) > 200, "the writer must get writes in before most kills"
    assert acked["i"] <= items
    assert acked["d"] <= days
    assert states == acked["s"]
    print(
        f"\ncrash: 200 SIGKILLs, {sum(map(len, acked.values()))} acknowledged writes, "
        f"all present, integrity ok, {elapsed:.1f} s"
    )


def test_sigkill_during_a_migration_leaves_old_or_new_never_half(fast_dir: Path) -> None:
    """Killed while upgrading from schema 1 (backup, then migrations): it opens afterwards."""
    rng = random.Random(3)
    outcomes = set()
    for n in range(15):
        home = fast_dir / f"m{n}"
        make_v1_database(home)
        pid = os.fork()
        if pid == 0:  # pragma: no cover
            try:
                Store.open(home, UTC).close()
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with Store.open(home, UTC) as store:
            assert len(store.items()) == 3 and store.day(date(2026, 11, 18)) is not None
        assert integrity(home / "caughtup.db") == "ok"
        outcomes.add(
            len(list((home / "backups").glob("*.db"))) if (home / "backups").exists() else 0
        )
    assert outcomes  # at least one run each way is likely, but either way the data is whole


# -- concurrent writers -------------------------------------------------------------------------

ADDER = """
import sys
from tracker.cli.group import cli
start = float(sys.argv[2])
import time
while time.time() < start:
    time.sleep(0.002)
for n in range(100):
    try:
        cli.main(["add", "--date", "2026-11-20", "--client", f"P{sys.argv[1]}-{n}"], standalone_mode=True)
    except SystemExit as exc:
        if exc.code:
            raise
"""


CRON = """
import sys, time
from tracker.cli.group import cli
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.002)
for n in range(20):
    for args in (["remind"], ["log", "--date", f"2026-10-{n + 1:02d}", "--sessions", "3", "--written", "3"]):
        try:
            cli.main(args)
        except SystemExit as exc:
            if exc.code:
                raise
"""


def test_four_processes_and_a_tui_worker_write_at_once(fast_dir: Path) -> None:
    home = fast_dir / "home"
    env = {**os.environ, "CAUGHTUP_HOME": str(home), "CAUGHTUP_NOW": "2026-11-22T18:00"}
    # cron's remind on a Friday morning, failing to reach a closed loopback port: it records a
    # failed delivery each run (a write), and logs a day between runs as a CLI `log` would.
    subprocess.run(
        [sys.executable, "-m", "tracker", "config", "notify.urls", "json://127.0.0.1:9/x"],
        env=env,
        check=True,
        capture_output=True,
    )
    start = time.time() + 2.5  # every writer starts at the same moment, imports done
    cron = subprocess.Popen(
        [sys.executable, "-c", CRON, str(start)],
        env={**env, "CAUGHTUP_NOW": "2026-11-20T10:00"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, str(p), str(start)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in range(4)
    ]
    errors: list[BaseException] = []

    def tui_worker() -> None:
        # As the Today screen's worker does: its own Store per write, in a thread.
        while time.time() < start:
            time.sleep(0.002)
        try:
            for n in range(100):
                with Store.open(home, UTC) as store:
                    store.log_day(
                        DayLog(day=date(2026, 1, 1) + timedelta(days=n), sessions=2, written=1), NOW
                    )
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=tui_worker)
    thread.start()
    stderr = [p.communicate(timeout=120)[1] for p in (*procs, cron)]
    thread.join(timeout=120)
    print(
        f"\nconcurrency: 4 x 100 adds, 100 worker check-ins, 20 remind + 20 log in {time.time() - start:.1f} s"
    )
    assert [p.returncode for p in (*procs, cron)] == [0, 0, 0, 0, 0], stderr
    assert not any("locked" in e or "Traceback" in e for e in stderr), stderr
    assert errors == []
    with Store.open(home, UTC) as store:
        refs = {i.client_ref for i in store.items() if i.source == "item"}
        assert refs == {f"P{p}-{n}" for p in range(4) for n in range(100)}
        assert len(store.days()) == 120
        assert sum(1 for i in store.items() if i.source == "count") == 260
        assert len(store.deliveries(limit=100)) == 20
    assert integrity(home / "caughtup.db") == "ok"


# -- damaged and foreign database files ----------------------------------------------------------


def damage(db: Path, kind: str) -> None:
    if kind == "random":
        db.write_bytes(random.Random(1).randbytes(40000))
    elif kind == "empty":
        db.write_bytes(b"")
    elif kind == "foreign":
        db.unlink()
        conn = sqlite3.connect(db)
        conn.executescript(
            "CREATE TABLE moz_places (id INTEGER, url TEXT); INSERT INTO moz_places VALUES (1, 'x');"
        )
        conn.close()
    elif kind == "truncated":
        db.write_bytes(db.read_bytes()[:8192])
    elif kind == "newer":
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()


@pytest.mark.parametrize("kind", ["random", "empty", "foreign", "truncated", "newer"])
def test_a_damaged_database_is_named_never_overwritten(
    run: Run, home: Path, kind: str, tmp_path: Path
) -> None:
    for n in range(30):
        run("add", "--date", "2026-11-20", "--client", f"C{n}")
    run("log", "--date", "2026-11-01", "--sessions", "40", "--written", "40")
    backup = json.loads(run("backup", "--json").stdout)["path"]
    db = home / "caughtup.db"
    damage(db, kind)
    raw = db.read_bytes()
    (tmp_path / "in.json").write_text(
        '{"format": "caughtup-export", "version": 1, "schema_version": 1, "tables": {}}'
    )
    for args in (
        [],  # the TUI: refused before the screen opens
        ["status"],
        ["log", "--sessions", "2", "--written", "1"],
        ["add", "--date", "2026-11-20"],
        ["backlog"],
        ["export"],
        ["backup"],
        ["import", str(tmp_path / "in.json")],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert str(db) in lines[0] and f"newest backup: {backup}" in lines[0], lines[0]
        assert "Traceback" not in result.output
        assert db.read_bytes() == raw
    assert not (home / "caughtup.db-wal").exists() or kind == "newer"


# -- hostile input ------------------------------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2",
            "@SUM(1)",
            "\t=1",
            "2026-02-30",
            "9" * 40,
            "-1",
            "nan",
            "../../etc/passwd",
            "x" * 70000,
            "\x00",
            "ü\u202e",
            "",
        ]
    ),
)


def _check(result: Result, home: Path, before: str, allowed: tuple[int, ...] = (0, 2)) -> str:
    assert result.exit_code in allowed, (result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("caughtup: "), result.stderr[:500]
        assert digest(home) == before
    return digest(home)


@pytest.fixture(scope="module")
def sandbox() -> Any:
    """One data folder and working directory for all hypothesis examples (fixtures per example
    would be recreated only per test, so the examples share it and compare digests)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


OPTIONS = sorted(
    {
        "--date", "--time", "--type", "--client", "--sessions", "--written", "--cleared",
        "--after-hours", "--dread", "--drained", "--at", "--format", "--out", "--table", "--map",
        "--date-format", "--encoding", "--replace", "--json", "--weeks", "--blocked-on",
        "--billed", "--start", "--target", "--inflow", "--days", "--answers", "--short",
    }
)  # fmt: skip
SAFE_COMMANDS = sorted(set(COMMANDS) - {"demo", "notify-test", "remind"})


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    command=st.sampled_from(SAFE_COMMANDS),
    # a command line cannot carry NUL: argv entries are C strings
    args=st.lists(
        st.one_of(st.sampled_from(OPTIONS), HOSTILE_TEXT.map(lambda t: t.replace("\x00", ""))),
        max_size=6,
    ),
)
def test_hostile_cli_arguments(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, command: str, args: list[str]
) -> None:
    home = sandbox / "home"
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    monkeypatch.chdir(sandbox)
    runner = CliRunner()
    if not home.exists():
        runner.invoke(cli, ["add", "--date", "2026-11-20"], catch_exceptions=False)
    before = digest(home)
    result = runner.invoke(cli, [command, *args], catch_exceptions=False, input="")
    _check(result, home, before, allowed=(0, 2, 130))


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue()


ITEM_COLUMNS = ["id", "session_date", "session_time", "note_type", "client_ref", "billed",
                "written_at", "created_at", "source", "Service Date", "Type"]  # fmt: skip
hostile_csv = st.builds(
    _csv_text,
    st.lists(st.sampled_from(ITEM_COLUMNS), min_size=1, max_size=6),
    st.lists(st.lists(HOSTILE_TEXT, min_size=0, max_size=7), max_size=4),
)


def _mutated_export(doc: dict[str, Any], path: list[str], value: Any) -> str:
    target: Any = doc
    for key in path[:-1]:
        target = target[key] if isinstance(target, dict) else target[int(key) % max(len(target), 1)]
    if isinstance(target, dict):
        target[path[-1]] = value
    elif isinstance(target, list) and target:
        target[int(path[-1]) % len(target)] = value
    return json.dumps(doc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
EXPORT_PATHS = [
    ["format"], ["version"], ["schema_version"], ["settings"], ["settings", "rules.threshold"],
    ["settings", "notify.urls"], ["tables"], ["tables", "items"], ["tables", "items", "columns"],
    ["tables", "items", "rows"], ["tables", "items", "rows", "0"], ["tables", "items", "rows", "0", "3"],
    ["tables", "days", "rows", "0", "2"], ["tables", "nope"], ["tables", "items", "extra"],
]  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    content=st.one_of(
        st.binary(max_size=300).map(lambda b: ("bin", b)),
        hostile_csv.map(lambda t: ("csv", t)),
        st.tuples(st.sampled_from(EXPORT_PATHS), json_values).map(lambda p: ("json", p)),
    ),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]),
    mapped=st.booleans(),
)
def test_hostile_import_files(
    sandbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: tuple[str, Any],
    encoding: str,
    mapped: bool,
) -> None:
    home = sandbox / "imp"
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    runner = CliRunner()
    if not home.exists():
        runner.invoke(cli, ["log", "--date", "2026-11-20", "--sessions", "3", "--written", "1"])
        runner.invoke(cli, ["add", "--date", "2026-11-19", "--client", "C1"])
    kind, payload = content
    if kind == "json":
        doc = json.loads(runner.invoke(cli, ["export"]).stdout)
        data = _mutated_export(doc, *payload).encode(encoding)
        path = sandbox / "hostile.json"
    else:
        data = payload if kind == "bin" else payload.encode(encoding, errors="replace")
        path = sandbox / "items.csv"
    path.write_bytes(data)
    args = ["import", str(path)]
    if mapped and kind != "json":
        args += ["--map", "date=Service Date,type=Type,client=client_ref"]
    before = digest(home)
    result = runner.invoke(cli, args, catch_exceptions=False)
    _check(result, home, before)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.tuples(
                st.sampled_from(["threshold", "[rules]", "rules.threshold", "locale", "[notify]",
                                 "urls", "timezone", "[sprint]", "days", "theme", "x"]),
                st.sampled_from(["= 5", "= -1", "= 'US'", "= [1, 2]", "= 'Mars/Base'", "= {a = 1}",
                                 "= true", "", "= '''", "= 1e999", "= \"\\u0000\""]),
            ),
            max_size=6,
        ).map(lambda lines: "\n".join(f"{k} {v}" for k, v in lines).encode()),
    ),
    command=st.sampled_from([["status"], ["config"], ["config", "rules.threshold", "3"],
                             ["log", "--sessions", "1", "--written", "1"], ["export"]]),
)  # fmt: skip
def test_hostile_settings_file(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, text: bytes, command: list[str]
) -> None:
    home = sandbox / "settings-home"
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    runner = CliRunner()
    home.mkdir(mode=0o700, exist_ok=True)
    path = home / "settings.toml"
    path.write_bytes(text)
    path.chmod(0o600)
    before = digest(home)
    result = runner.invoke(cli, command, catch_exceptions=False)
    _check(result, home, before)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.sampled_from([
                'title = "Mine"', "[[items]]", 'id = "a"', 'id = 5', 'text = "How?"',
                'domain = "overload"', 'domain = "nope"', "scale = [0, 4]", "scale = []",
                "min = 0", "max = -1", "[scale]", 'labels = ["a"]', "= =", 'version = 1',
            ]),
            max_size=10,
        ).map(lambda lines: "\n".join(lines).encode()),
    ),
    command=st.sampled_from([["--list"], ["--questionnaire", "mine", "--items"]]),
)  # fmt: skip
def test_hostile_questionnaire_file(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, text: bytes, command: list[str]
) -> None:
    home = sandbox / "q-home"
    monkeypatch.setenv("CAUGHTUP_HOME", str(home))
    (home / "questionnaires").mkdir(parents=True, exist_ok=True)
    (home / "questionnaires" / "mine.toml").write_bytes(text)
    before = digest(home)
    result = CliRunner().invoke(cli, ["selfcheck", *command], catch_exceptions=False, input="")
    _check(result, home, before)


# -- permissions --------------------------------------------------------------------------------


def test_everything_written_is_owner_only_even_with_a_lax_umask(
    run: Run, home: Path, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        with Store.open(home, UTC) as store:  # the library path, as the TUI takes it
            store.backup(backup_path(home, "lib"))
        run("config", "rules.threshold", "4")
        run("add", "--date", "2026-11-20")
        os.umask(0o022)  # the CLI tightened it; loosen again for each step
        run("backup")
        os.umask(0o022)
        run("export", "--out", str(tmp_path / "out.json"))
        os.umask(0o022)
        run("export", "--format", "csv", "--out", str(tmp_path / "csv"))
    finally:
        os.umask(old)
    assert (home.stat().st_mode & 0o777) == 0o700
    assert ((home / "backups").stat().st_mode & 0o777) == 0o700
    assert ((tmp_path / "csv").stat().st_mode & 0o777) == 0o700
    files = [home / "caughtup.db", home / "settings.toml", tmp_path / "out.json"]
    files += list((home / "backups").iterdir()) + list((tmp_path / "csv").iterdir())
    assert len(files) >= 9
    for path in files:
        assert (path.stat().st_mode & 0o777) == 0o600, path


def test_a_settings_file_readable_by_others_gets_a_warning(run: Run, home: Path) -> None:
    run("config", "rules.threshold", "4")
    (home / "settings.toml").chmod(0o644)
    result = run("status")
    assert result.exit_code == 0
    assert "readable by other users" in result.stderr and "chmod 600" in result.stderr


# -- migrations ---------------------------------------------------------------------------------


def make_v1_database(home: Path) -> None:
    """A database exactly as the first schema version created it, with data in every table."""
    home.mkdir(parents=True, mode=0o700)
    conn = sqlite3.connect(home / "caughtup.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    _, first_step = STEPS[0]
    conn.executescript(first_step)
    conn.execute("PRAGMA user_version = 1")
    conn.executescript(
        """
        INSERT INTO items (session_date, session_time, note_type, client_ref, billed, court,
                           written_at, created_at, source)
        VALUES ('2026-11-17', '14:00', 'progress', 'C7', 1, 0, NULL, '2026-11-17T15:00:00+00:00', 'item'),
               ('2026-11-18', NULL, 'intake', NULL, 0, 1, '2026-11-19T09:00:00+00:00',
                '2026-11-18T20:00:00+00:00', 'count'),
               ('2026-11-18', NULL, 'progress', NULL, 0, 0, NULL, '2026-11-18T20:00:00+00:00', 'count');
        INSERT INTO days VALUES ('2026-11-18', 2, 1, 0, 45, 3, NULL, '2026-11-18T20:00:00+00:00');
        INSERT INTO state VALUES ('alerts.sent.x', '{"threshold": 1}');
        """
    )
    conn.close()
    (home / "caughtup.db").chmod(0o600)


def test_a_schema_1_database_upgrades_with_its_data_intact(
    run: Run, run_json: Callable[..., Any], home: Path
) -> None:
    make_v1_database(home)
    v1_rows = sqlite3.connect(home / "caughtup.db").execute("SELECT * FROM items").fetchall()
    st = run_json("status")
    assert st["outstanding"] == 2
    conn = sqlite3.connect(home / "caughtup.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] != 0
    upgraded = conn.execute("SELECT * FROM items").fetchall()
    assert [row[: len(v1_rows[0])] for row in upgraded] == v1_rows
    assert conn.execute("SELECT * FROM days").fetchall() == [
        ("2026-11-18", 2, 1, 0, 45, 3, None, "2026-11-18T20:00:00+00:00")
    ]
    assert conn.execute("SELECT value FROM state").fetchall() == [('{"threshold": 1}',)]
    conn.close()
    (backup,) = (home / "backups").glob(f"*before-schema-{SCHEMA_VERSION}.db")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT * FROM items").fetchall() == v1_rows
    old.close()
    assert (backup.stat().st_mode & 0o777) == 0o600
    assert run("log", "--sessions", "1", "--written", "1").exit_code == 0  # and it writes


# -- a large import ---------------------------------------------------------------------------


def test_100k_item_ehr_import_in_one_go(home: Path, tmp_path: Path) -> None:
    from tracker import ehr
    from tracker.workspace import Workspace

    rng = random.Random(5)
    start = date(2025, 1, 1)
    lines = ["Encounter,Service Date,Note Type,Client,Start,Billed"]
    for n in range(100_000):
        day = start + timedelta(days=n * 600 // 100_000)
        lines.append(
            f"E{n},{day:%m/%d/%Y},{rng.choice(['Progress Note', 'Intake', 'Group'])},"
            f"C{rng.randrange(800)},{rng.randrange(8, 18)}:00,{rng.choice(['Yes', 'No'])}"
        )
    path = tmp_path / "ehr.csv"
    path.write_text("\n".join(lines) + "\n")
    ws = Workspace(home)
    ws.store  # noqa: B018 - the database exists before the clock starts
    mapping = ehr.parse_map(
        ("date=Service Date,type=Note Type,client=Client,time=Start,billed=Billed",)
    )
    # The 1 s budget is measured by bench/run, not here: a timed test fails on a busy machine.
    report = ehr.run(ws, path, mapping, encoding="utf-8-sig", date_format="%m/%d/%Y")
    assert report["added"] == 100_000
    again = ehr.run(ws, path, mapping, encoding="utf-8-sig", date_format="%m/%d/%Y")
    ws.close()
    assert again["added"] == 0


def test_sigkill_during_a_large_import_leaves_the_data_before_or_after(fast_dir: Path) -> None:
    """An import drops an empty table's indexes and builds them after its rows: a kill at any
    moment leaves the data and schema as they were, or the whole import, never a part."""
    from tracker import importer
    from tracker.workspace import Workspace

    home = fast_dir / "home"
    with Store.open(home, UTC) as store:
        store.set_state("kept", "yes")
        schema = store.conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    rows = [
        [n, f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}", None, "progress", f"C{n % 90}", 0, 0, 0,
         0, None, None, None if n % 7 else "2026-01-02T10:00:00+00:00",
         "2026-01-01T10:00:00+00:00", "item", None, None]
        for n in range(1, 20_001)
    ]  # fmt: skip
    columns = ["id", "session_date", "session_time", "note_type", "client_ref", "billed", "court",
               "high_risk", "admin", "blocked_on", "blocked_since", "written_at", "created_at",
               "source", "cleared_by", "import_key"]  # fmt: skip
    path = fast_dir / "items.json"
    path.write_text(
        json.dumps(
            {"format": "caughtup-export", "version": 1, "schema_version": SCHEMA_VERSION,
             "tables": {"items": {"columns": columns, "rows": rows}}}
        )
    )  # fmt: skip

    def start() -> int:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                importer.run(Workspace(home), path, encoding="utf-8", table=None, replace=False)
            finally:
                os._exit(0)
        return pid

    def outcome() -> int:
        assert integrity(home / "caughtup.db") == "ok"
        with Store.open(home, UTC) as store:
            assert store.conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY name"
            ).fetchall() == (schema)
            count: int = store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
            assert count in (0, len(rows))
            assert store.get_state("kept") == "yes"
            if count:
                store.conn.execute("DELETE FROM items")
        return count

    # One whole import first: how long it takes on this machine is the window to kill in.
    began = time.monotonic()
    os.waitpid(start(), 0)
    took = time.monotonic() - began
    assert outcome() == len(rows)
    rng = random.Random(11)
    outcomes = []
    for _ in range(10):
        pid = start()
        time.sleep(rng.uniform(0.0, took))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        outcomes.append(outcome())
    assert 0 in outcomes, outcomes  # the commit comes last: most kills land before it
