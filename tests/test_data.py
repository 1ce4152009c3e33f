"""Export, import, backup and restore: everything round-trips, a bad file changes nothing."""

from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import digest
from tracker.export import FORMULA_START, neutralise, restore_cell
from tracker.store import SCHEMA_VERSION

Run = Callable[..., Result]
TOKEN = "secret-token-4821"


def populate(run: Run) -> None:
    """A little of everything: count-only days, itemized notes with flags, settings, a secret."""
    assert run("log", "--date", "2026-11-19", "--sessions", "5", "--written", "3").exit_code == 0
    assert run("log", "--sessions", "6", "--written", "4", "--dread", "2").exit_code == 0
    run("add", "--date", "2026-11-17", "--time", "14:00", "--client", "=1+1", "--billed")
    run("add", "--date", "2026-11-18", "--type", "intake", "--court", "--blocked-on", "result")
    run("add", "--date", "2026-11-20", "--client", "@SUM(A1)", "--high-risk")
    run("done", "1", "--at", "2026-11-22T09:00")
    run("config", "rules.threshold", "4")
    run("config", "notify.urls", f"json://127.0.0.1:9/{TOKEN}")


def dump(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, straight from SQLite."""
    conn = sqlite3.connect(home / "caughtup.db")
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    out = {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    conn.close()
    return out


def add_extra_table(home: Path) -> None:
    """A table this code has never heard of, referring to items: export must still carry it."""
    conn = sqlite3.connect(home / "caughtup.db")
    conn.executescript(
        "CREATE TABLE IF NOT EXISTS a_notes_links (id INTEGER PRIMARY KEY, "
        "item_id INTEGER NOT NULL REFERENCES items(id), label TEXT NOT NULL, weight REAL);"
    )
    conn.execute("INSERT INTO a_notes_links (item_id, label, weight) VALUES (1, '-2+3', 0.5)")
    conn.commit()
    conn.close()


def other_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    target = tmp_path / name
    monkeypatch.setenv("CAUGHTUP_HOME", str(target))
    return target


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trips_every_table_and_setting(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    populate(run)
    ehr = tmp_path / "ehr.csv"  # EHR rows keep a key for skipping them on a re-import
    ehr.write_text("Service Date,Client,Signed\n11/16/2026,K9,\n11/16/2026,K9,11/17/2026 10:00\n")
    imported = run(
        "import",
        str(ehr),
        "--map",
        "date=Service Date,client=Client,written=Signed",
        "--date-format",
        "%m/%d/%Y",
    )
    assert imported.exit_code == 0, imported.output
    add_extra_table(home)
    out = tmp_path / ("export.json" if fmt == "json" else "export-folder")
    result = run("export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    files = [out] if fmt == "json" else sorted(out.iterdir())
    for path in files:
        assert (path.stat().st_mode & 0o777) == 0o600
        assert TOKEN not in path.read_text("utf-8-sig")
    if fmt == "csv":
        assert (out.stat().st_mode & 0o777) == 0o700
        assert {p.name for p in files} >= {"items.csv", "days.csv", "a_notes_links.csv"}
    before = dump(home)

    fresh = other_home(tmp_path, monkeypatch, "fresh")
    run("status")  # creates the schema, then the unknown table the export carries
    add_extra_table(fresh)
    sqlite3.connect(fresh / "caughtup.db").execute("DELETE FROM a_notes_links").connection.commit()
    result = run("import", str(out))
    assert result.exit_code == 0, result.output
    assert dump(fresh) == before
    assert "threshold" in run("config", "rules.threshold").stdout
    assert run("config", "rules.threshold").stdout.startswith("rules.threshold = 4")
    assert "json://" not in (fresh / "settings.toml").read_text()  # secrets never travel

    again = run("import", str(out))  # a re-import finds everything already there
    assert again.exit_code == 0 and "already here" in again.stdout
    assert dump(fresh) == before


def test_csv_cells_never_start_a_formula(run: Run, home: Path, tmp_path: Path) -> None:
    populate(run)
    add_extra_table(home)
    run("export", "--format", "csv", "--out", str(tmp_path / "x"))
    cells = []
    for path in (tmp_path / "x").iterdir():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert not [c for c in cells if c.startswith(FORMULA_START[:-1])]


@pytest.mark.parametrize(
    "text", ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "\rx", "'=x", "'", "", "ok"]
)
def test_neutralise_round_trips(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_START[:-1])
    assert restore_cell(cell) == text


def test_single_table_csv_to_stdout_and_back(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(run)
    result = run("export", "--format", "csv", "--table", "days")
    assert result.exit_code == 0
    (tmp_path / "days.csv").write_text(result.stdout, encoding="utf-8")
    other_home(tmp_path, monkeypatch, "fresh")
    assert run("import", str(tmp_path / "days.csv")).exit_code == 0
    assert [r["day"] for r in json_rows(run, "days")] == ["2026-11-19", "2026-11-22"]


def json_rows(run: Run, table: str) -> list[dict[str, Any]]:
    doc = json.loads(run("export").stdout)
    t = doc["tables"][table]
    return [dict(zip(t["columns"], row, strict=True)) for row in t["rows"]]


def bad_doc(run: Run, tmp_path: Path, row: int, column: str, value: Any) -> Path:
    doc = json.loads(run("export").stdout)
    table = doc["tables"]["items"]
    table["rows"][row][table["columns"].index(column)] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "session_date",
            "2026-02-30",
            "items row 3, field session_date: must be a date as YYYY-MM-DD from 2000-01-01 to "
            "2100-12-31, got '2026-02-30'",
        ),
        ("session_date", "9999-12-31", "field session_date: must be a date as YYYY-MM-DD from"),
        ("session_date", "0001-01-01", "field session_date: must be a date as YYYY-MM-DD from"),
        ("written_at", "0001-01-01T00:00:00+00:00", "field written_at: must be a UTC date-time"),
        ("client_ref", "C\u009b7", "items row 3, field client_ref: must be a short pseudonym"),
        ("client_ref", "C\u202e7", "items row 3, field client_ref: must be a short pseudonym"),
        ("client_ref", " C7", "items row 3, field client_ref: must be a short pseudonym"),
        ("id", -5, "items row 3, field id: must be a whole number from 1 (an id), got -5"),
        ("id", 0, "items row 3, field id: must be a whole number from 1 (an id), got 0"),
        ("session_date", None, "items row 3, field session_date: is empty, and it is required"),
        ("billed", 7, "items row 3, field billed: must be 0 or 1, got 7"),
        ("note_type", "poem", "items row 3, field note_type: must be one of progress"),
        ("written_at", "yesterday", "items row 3, field written_at: must be a UTC date-time"),
        ("client_ref", "x" * 5000, "items row 3, field client_ref: must be a short pseudonym"),
        (
            "id",
            "seven",
            "items row 3, field id: must be a whole number from 1 (an id), got 'seven'",
        ),
        (
            "id",
            2**70,
            "field id: must be a whole number from 1 (an id), got 1180591620717411303424",
        ),
        ("billed", True, "items row 3, field billed: must be 0 or 1, got True"),
        ("court", 1.0, "items row 3, field court: must be 0 or 1, got 1.0"),
        ("session_time", "24:00", "items row 3, field session_time: must be a time as HH:MM"),
        ("created_at", "2026-02-30T10:00:00+00:00", "field created_at: must be a UTC date-time"),
        ("created_at", "2026-11-20T10:00:00Z", "field created_at: must be a UTC date-time"),
        ("client_ref", "\ud800", "items row 3, field client_ref: must be a short pseudonym"),
        (
            "import_key",
            "\udc00",
            "items row 3, field import_key: must be text of 1 to 1000 characters",
        ),
        (
            "import_key",
            ["k"],
            "items row 3, field import_key: must be text of 1 to 1000 characters",
        ),
    ],
)
def test_one_bad_row_imports_nothing_and_names_row_field_problem(
    run: Run, home: Path, tmp_path: Path, column: str, value: Any, message: str
) -> None:
    populate(run)
    doc = json.loads(run("export").stdout)
    for row in doc["tables"]["items"]["rows"]:
        row[0] += 100  # new ids, so the good rows would import if the bad one were skipped
    table = doc["tables"]["items"]
    table["rows"][2][table["columns"].index(column)] = value
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    before = digest(home)
    result = run("import", str(tmp_path / "bad.json"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "nothing was imported" in lines[0]
    assert digest(home) == before


def test_the_first_bad_cell_is_named_reading_row_by_row(
    run: Run, home: Path, tmp_path: Path
) -> None:
    populate(run)
    doc = json.loads(run("export").stdout)
    table = doc["tables"]["items"]
    table["rows"][2][table["columns"].index("session_date")] = "2026-13-01"
    table["rows"][1][table["columns"].index("source")] = "fax"
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    result = run("import", str(tmp_path / "bad.json"))
    assert (
        "items row 2, field source: must be one of item, count, calendar, got 'fax'"
        in result.stderr
    )
    table["rows"][2] = table["rows"][2][:3]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    result = run("import", str(tmp_path / "bad.json"))
    assert "items row 3: 3 values for 19 columns" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "version must be 1, got 2"),
        ({"schema_version": "6"}, "schema_version must be a whole number from 1, got '6'"),
        ({"schema_version": 99}, "exported by a newer caughtup (schema 99"),
        ({"settings": [1]}, "settings must be an object of setting names and values, got [1]"),
        ({"tables": None}, "tables must be an object of tables"),
        ({"tables": {"days": {"columns": []}}}, "tables.days must be an object"),
        ({"tables": {"days": {"columns": [1], "rows": []}}}, "tables.days.columns must be a list"),
        ({"tables": {"days": {"columns": [], "rows": {}}}}, "tables.days.rows must be a list"),
    ],
)
def test_a_bad_export_envelope_is_named(
    run: Run, home: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    populate(run)
    doc = {**json.loads(run("export").stdout), **change}
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    before = digest(home)
    result = run("import", str(tmp_path / "bad.json"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert digest(home) == before


def test_csv_numbers_are_read_as_numbers_or_named(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(run)
    run("export", "--format", "csv", "--table", "days", "--out", str(tmp_path / "days.csv"))
    text = (tmp_path / "days.csv").read_text("utf-8-sig")
    (tmp_path / "days.csv").write_text(text.replace("2026-11-22,6,4", "2026-11-22,six,4"))
    before = digest(home)
    result = run("import", str(tmp_path / "days.csv"))
    assert result.exit_code == 2
    assert "days.csv line 3, field sessions: must be a whole number from 0 to 40, got 'six'" in (
        result.stderr
    )
    assert digest(home) == before
    (tmp_path / "days.csv").write_text(text.replace("2026-11-22,6,4", "2026-11-22,+6,04"))
    other_home(tmp_path, monkeypatch, "fresh")
    assert run("import", str(tmp_path / "days.csv")).exit_code == 0
    assert [(r["sessions"], r["written"]) for r in json_rows(run, "days")][1] == (6, 4)


def test_bad_csv_line_is_named(run: Run, home: Path, tmp_path: Path) -> None:
    populate(run)
    run("export", "--format", "csv", "--table", "days", "--out", str(tmp_path / "days.csv"))
    text = (
        (tmp_path / "days.csv").read_text("utf-8-sig").replace("2026-11-22,6,4", "2026-11-22,6,9")
    )
    (tmp_path / "days.csv").write_text(text)
    before = digest(home)
    result = run("import", str(tmp_path / "days.csv"))
    assert result.exit_code == 2
    assert "days.csv line 3, field written: 9 is more than sessions 6" in result.stderr
    assert digest(home) == before


def test_conflicting_row_is_refused_and_replace_replaces(
    run: Run, home: Path, tmp_path: Path
) -> None:
    populate(run)
    path = bad_doc(run, tmp_path, 0, "client_ref", "C9")
    before = digest(home)
    result = run("import", str(path))
    assert result.exit_code == 2 and "already exists with different values" in result.stderr
    assert digest(home) == before
    result = run("import", str(path), "--replace", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert Path(report["backup"]).exists()
    assert json_rows(run, "items")[0]["client_ref"] == "C9"


def test_ehr_item_list_imports_once(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    ehr = tmp_path / "ehr.csv"
    ehr.write_text(
        "Encounter,Service Date,Note Type,Client,Start,Billed,Signed\n"
        "A1,11/20/2026,Progress Note,JD,2:00 PM,Yes,\n"
        "A2,11/19/2026,Intake,KM,09:30,No,11/20/2026\n"
        "A3,11/18/2026,Case Note,C3,,Y,\n"
        "A3,11/18/2026,Case Note,C3,,Y,\n",
        encoding="cp1252",
    )
    args = [
        "import",
        str(ehr),
        "--map",
        'date="Service Date",type=Note Type,client=Client,time=Start,billed=Billed',
        "--map",
        "written=Signed",
        "--date-format",
        "%m/%d/%Y",
    ]

    def counts(report: dict[str, Any]) -> tuple[int, int, int, int]:
        # a copy of the data before, unless there was none yet
        assert report["source"] == str(ehr)
        assert report["backup"] is None if report["added"] == 4 else Path(report["backup"]).exists()
        return (
            report["rows"],
            report["added"],
            report["skipped_duplicates"],
            report["updated_written"],
        )

    assert counts(run_json(*args)) == (4, 4, 0, 0)
    assert run_json(*args)["added"] == 0  # a re-import skips every row
    with ehr.open("a") as fh:  # an overlapping, longer list adds only the new row
        fh.write("A4,11/21/2026,Group,G1,16:00,No,\n")
    assert counts(run_json(*args)) == (5, 1, 4, 0)
    items = json_rows(run, "items")
    assert [(i["session_date"], i["note_type"], i["billed"]) for i in items][:2] == [
        ("2026-11-20", "progress", 1),
        ("2026-11-19", "intake", 0),
    ]
    assert (
        items[0]["session_time"] == "14:00"
        and items[1]["written_at"] == "2026-11-20T23:59:00+00:00"
    )
    assert run_json("status")["outstanding"] == 4


@pytest.mark.parametrize(
    ("row", "maps", "message"),
    [
        (
            "E1,20/11/2026,Progress",
            ["date=Date,type=Type"],
            "line 3, column 'Date' (date): must be a date as YYYY-MM-DD",
        ),
        (
            "E1,2026-11-20,Poem",
            ["date=Date,type=Type"],
            "line 3, column 'Type' (type): must be one of progress",
        ),
        ("E1,2026-12-20,Progress", ["date=Date"], "is in the future"),
        (
            "E1,2026-11-20,Progress",
            ["date=Service Date"],
            "--map date: ehr.csv has no column 'Service Date'",
        ),
        ("E1,2026-11-20,Progress", ["type=Type"], "--map needs date=COLUMN"),
        ("E1,2026-11-20,Progress", ["colour=Type,date=Date"], "--map 'colour' is not a field"),
        ("E1,2026-11-20", ["date=Date"], "ehr.csv line 3: 2 cells where the header has 3"),
    ],
)
def test_ehr_bad_rows_name_line_column_and_problem(
    run: Run, home: Path, tmp_path: Path, row: str, maps: list[str], message: str
) -> None:
    run("add", "--date", "2026-11-20")
    ehr = tmp_path / "ehr.csv"
    ehr.write_text(f"Id,Date,Type\nE0,2026-11-19,Intake\n{row}\n")
    before = digest(home)
    args = ["import", str(ehr)]
    for m in maps:
        args += ["--map", m]
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert digest(home) == before


def test_backup_is_consistent_private_and_never_overwrites(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    populate(run)
    made = run_json("backup")
    path = Path(made["path"])
    assert path.parent == home / "backups"
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == 14
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    result = run("backup", "--out", str(path))
    assert result.exit_code == 2 and "caughtup's own data folder" in result.stderr
    outside = Path(run_json("backup", "--out", str(tmp_path / "mine.db"))["path"])
    result = run("backup", "--out", str(outside))
    assert result.exit_code == 2 and "already exists" in result.stderr


def test_restore_checks_first_and_keeps_the_current_database(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    populate(run)
    saved = Path(run_json("backup", "--out", str(tmp_path / "saved.db"))["path"])
    run("add", "--date", "2026-11-21")
    assert run_json("status")["outstanding"] == 7
    for bad, message in [
        (b"not a database at all" * 100, "is not a SQLite database"),
        (saved.read_bytes()[:4096], "is truncated"),
    ]:
        (tmp_path / "bad.db").write_bytes(bad)
        before = digest(home)
        result = run("restore", str(tmp_path / "bad.db"))
        assert result.exit_code == 2 and message in result.stderr, result.stderr
        assert digest(home) == before
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("CREATE TABLE moz_places (id INTEGER)")
    foreign.commit()
    foreign.close()
    result = run("restore", str(tmp_path / "foreign.db"))
    assert result.exit_code == 2 and "another application" in result.stderr

    report = run_json("restore", str(saved))
    assert run_json("status")["outstanding"] == 6
    kept = sqlite3.connect(report["previous"])
    assert kept.execute("SELECT count(*) FROM items").fetchone()[0] == 15
    kept.close()


def test_restore_over_a_damaged_database_sets_it_aside(
    run: Run, run_json: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    populate(run)
    saved = Path(run_json("backup", "--out", str(tmp_path / "saved.db"))["path"])
    (home / "caughtup.db").write_bytes(b"\0" * 8192)
    assert run("status").exit_code == 2
    report = run_json("restore", str(saved))
    assert Path(report["previous"]).read_bytes() == b"\0" * 8192
    assert run_json("status")["outstanding"] == 6


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_table_on_main_round_trips(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The demo fills sprints, blocks, self-checks and pace; every still-empty table gets a row
    made from its own column types (a valid one where its columns have rules), so a table added
    later is covered without naming it."""
    from tracker import demo
    from tracker.store import Store

    known = {
        "deliveries": {"at": "2026-11-20T10:00:00+00:00", "kind": "=x", "channel": "ab12",
                       "target": "json://•••", "ok": 0, "error": "-timed out"},
        "state": {"key": "=x", "value": "-1"},
    }  # fmt: skip
    source = other_home(tmp_path, monkeypatch, "demo")
    demo.build(source)
    with Store.open(source, __import__("datetime").UTC) as store:
        for table in store.tables():
            if next(store.rows(table), None) is None:
                values = {
                    c.name: {"INTEGER": 1, "REAL": 1.5}.get(c.affinity, "=x") for c in table.columns
                } | known.get(table.name, {})
                cols = ", ".join(values)
                store.conn.execute(
                    f"INSERT INTO {table.name} ({cols}) VALUES ({', '.join('?' * len(values))})",
                    tuple(values.values()),
                )
        empty = [t.name for t in store.tables() if next(store.rows(t), None) is None]
    assert empty == []
    before = dump(source)
    out = tmp_path / ("all.json" if fmt == "json" else "all")
    assert run("export", "--format", fmt, "--out", str(out)).exit_code == 0
    target = other_home(tmp_path, monkeypatch, "target")
    result = run("import", str(out))
    assert result.exit_code == 0, result.output
    assert dump(target) == before


ITEM_ROW = [1, "2026-11-20", "09:00", "progress", "C1", 0, 0, 0, 0, None, None,
            "2026-11-21T10:00:00+00:00", "2026-11-20T18:00:00+00:00", "item", None, None,
            None, None, None]  # fmt: skip
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(
        ["2026-02-28", "2026-02-29", "0000-01-01", "2024-02-29T23:59:59+00:00", "24:00", "23:59",
         "9:00", "2026-11-21T10:00:00Z", "2026-11-21 10:00:00+00:00", "٢٠٢٦-١١-٢٠", "\ud800",
         "x" * 17, "court_report", "referral", "count", 2**63 - 1, 2**63, 1.0, "1"]
    ),
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(column=st.sampled_from(range(len(ITEM_ROW))), value=CELLS)
def test_a_cell_is_refused_by_name_or_stored_so_the_app_reads_it(column: int, value: Any) -> None:
    """Whatever one cell of an exported item holds, the import either names it (row, field) or
    stores it so that the app reads the item back with that very value."""
    from tracker import importer
    from tracker.columns import rules_for
    from tracker.errors import InputError
    from tracker.store import Store

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder), UTC) as store:
        items = next(t for t in store.tables() if t.name == "items")
        names = [c.name for c in items.columns]
        rows = [list(ITEM_ROW), [2, *ITEM_ROW[1:]]]
        rows[1][column] = value
        incoming = importer.Incoming("items", names, rows, lambda i: f"items row {i + 1}", False)
        try:
            checked = importer.check_table(items, incoming, rules_for(["progress"]))
            store.load_rows([(items, *checked)])
        except InputError as exc:
            assert str(exc).startswith(f"items row 2, field {names[column]}: ") or (
                names[column] == "id" and "items row 2: " in str(exc)  # the id of row 1
            ), str(exc)
            return
        stored = [r[0] for r in store.conn.execute(f"SELECT {names[column]} FROM items")]
        if names[column] == "id" and value is None:
            value = 2  # SQLite numbers it
        # A True or 1.0 is only let through where it equals a 1 beside it: stored as that 1.
        assert any(v == value and type(v) in (type(value), int) for v in stored), stored
        assert len(store.items()) == len(stored)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, ascii=st.booleans(), indent=st.sampled_from([None, 2]))
def test_an_export_is_read_as_json_loads_reads_it(
    value: Any, ascii: bool, indent: int | None
) -> None:
    """The import reads a document with pydantic's parser where it can (faster), and the same
    values come out: NaN, -0.0, 2**80, escapes, text beyond the BMP."""
    from tracker.importer import parse_json

    data = json.dumps(value, ensure_ascii=ascii, indent=indent).encode()
    assert repr(parse_json(data)) == repr(json.loads(data))


@pytest.mark.parametrize(
    "data",
    [b"9" * 5000, b"[" * 3000 + b"]" * 3000, '\ufeff{"a": 1}'.encode(), '{"a": 1}'.encode("utf-16"),
     b'["\\ud800", "\\udc00x"]', b"{bad"],
)  # fmt: skip
def test_what_the_fast_parser_refuses_is_read_or_refused_as_json_loads_does(data: bytes) -> None:
    from tracker.importer import parse_json

    try:
        expected: Any = json.loads(data)
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            parse_json(data)
        return
    assert repr(parse_json(data)) == repr(expected)
