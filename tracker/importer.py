"""Import a caughtup export (a JSON document, a CSV folder, or one table's CSV): all or nothing.

Every cell is checked before anything is written, then everything goes in through one
transaction. The first bad cell is reported with its row, field and problem, and nothing is
imported. Each column's rule is a pydantic type (`tracker.columns`), checked over the column's
distinct values in one call: 100,000 items hold a few thousand dates and a handful of note
types, so a row-by-row model would check the same values a hundred thousand times.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from tracker import backups, files, words
from tracker import settings as settings_mod
from tracker.columns import BY_AFFINITY, Rule, breaks, rules_for, state_problem
from tracker.errors import FieldError, InputError
from tracker.export import ABOUT_FILE, FORMAT, SETTINGS_FILE, VERSION, restore_cell
from tracker.settings import Settings
from tracker.store import SCHEMA_VERSION, RowRejected
from tracker.tables import Column, Table
from tracker.workspace import Workspace

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


@dataclass
class Incoming:
    """One table's rows as read from a file, not yet checked."""

    name: str
    columns: list[str]
    rows: list[list[Any]]
    where: Callable[[int], str]
    """Row index -> how to name it to the user ("items.csv line 3", "items row 2")."""
    from_csv: bool


@dataclass
class ImportFile:
    tables: list[Incoming] = field(default_factory=list)
    settings: list[tuple[str, Any, str]] = field(default_factory=list)
    """(dotted key, value, where)."""


# -- reading files ---------------------------------------------------------------------------


def read(path: Path, encoding: str, table: str | None) -> ImportFile:
    """The tables and settings in a caughtup export at `path`; InputError naming any problem."""
    if path.is_dir():
        return _read_folder(path, encoding)
    data = files.read_input(path)
    if path.suffix.lower() == ".json" or data.lstrip()[:1] == b"{":
        if table is not None:
            raise FieldError("table", "is for a CSV file; a JSON export names its tables")
        return _read_json(path, data)
    name = table or path.stem
    rows = _csv_rows(path, data, encoding)
    return ImportFile(tables=[_csv_table(name, path, rows)])


def parse_json(data: bytes) -> Any:
    """The JSON document in `data`, as json.loads reads it.

    Through pydantic's parser first (jiter): for 100,000 items it takes 250 M instructions fewer
    than json.loads, and, as it keeps one copy of each repeated text, the check of each column's
    distinct values 120 M fewer (`bench/run --only import`). Whatever jiter refuses (a number
    over 4,300 digits, a lone surrogate, UTF-16, nesting too deep) is read by json.loads, whose
    errors are the ones the user sees.
    """
    from pydantic_core import from_json

    try:
        return from_json(data)
    except ValueError:
        return json.loads(data)


def _read_json(path: Path, data: bytes) -> ImportFile:
    try:
        raw = parse_json(data)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (byte {exc.start}); nothing was imported"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "nothing was imported"
        ) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise InputError(
            f"{path} holds a number too long to read ({exc}); nothing was imported"
        ) from None
    except RecursionError:
        raise InputError(f"{path} is nested too deeply to be a caughtup export") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise InputError(
            f'{path} is not a caughtup export (no "format": "{FORMAT}"); to import an item '
            "list from an EHR, save it as CSV and map its columns with {map}",
            mentions=("map",),
        )

    def bad(where: str, value: Any, should: str) -> NoReturn:
        raise InputError(
            f"{path}: {where} must be {should}, got {_show(value)}; nothing was imported"
        )

    version, schema_version = raw.get("version"), raw.get("schema_version")
    if type(version) is not int or version != VERSION:
        bad("version", version, str(VERSION))
    if type(schema_version) is not int or schema_version < 1:
        bad("schema_version", schema_version, "a whole number from 1")
    _check_schema(path, schema_version)
    settings, tables = raw.get("settings", {}), raw.get("tables")
    if type(settings) is not dict:
        bad("settings", settings, "an object of setting names and values")
    if type(tables) is not dict:
        bad("tables", tables, 'an object of tables, each {"columns": [...], "rows": [...]}')
    out = ImportFile(settings=[(k, v, f"{path} settings") for k, v in settings.items()])
    for name, doc in tables.items():
        if type(doc) is not dict or doc.keys() != {"columns", "rows"}:
            bad(f"tables.{name}", doc, 'an object {"columns": [...], "rows": [...]}')
        columns, rows = doc["columns"], doc["rows"]
        if type(columns) is not list or not all(type(c) is str for c in columns):
            bad(f"tables.{name}.columns", columns, "a list of column names")
        if type(rows) is not list:
            bad(f"tables.{name}.rows", rows, "a list of rows")
        out.tables.append(
            Incoming(name=name, columns=columns, rows=rows, where=_json_rows(name), from_csv=False)
        )
    return out


def _json_rows(name: str) -> Callable[[int], str]:
    return lambda i: f"{name} row {i + 1}"


def _check_schema(source: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise InputError(
            f"{source} was exported by a newer caughtup (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}); upgrade caughtup first"
        )


def decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise FieldError("encoding", f"{encoding!r} is not an encoding Python knows") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not {encoding} text (byte {exc.start}); save it as CSV UTF-8, or name "
            "its encoding with {encoding} (e.g. cp1252)",
            mentions=("encoding",),
        ) from None


def _csv_rows(path: Path, data: bytes, encoding: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every record of a CSV file, the header first."""
    text = decode(path, data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputError(
            f"{path.name} line {reader.line_num + 1}: {exc}; nothing was imported"
        ) from None
    if not rows:
        raise InputError(f"{path} is empty; a CSV needs a header row of column names")
    return rows


def _csv_table(name: str, path: Path, rows: list[tuple[int, list[str]]]) -> Incoming:
    header = [restore_cell(c.strip()) for c in rows[0][1]]
    body = rows[1:]
    lines = [n for n, _ in body]
    for n, cells in body:
        if len(cells) != len(header):
            raise InputError(
                f"{path.name} line {n}: {len(cells)} cells where the header has {len(header)}; "
                "nothing was imported"
            )
    return Incoming(
        name=name,
        columns=header,
        rows=[cells for _, cells in body],
        where=lambda i: f"{path.name} line {lines[i]}",
        from_csv=True,
    )


def _read_folder(folder: Path, encoding: str) -> ImportFile:
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not any(p.name == ABOUT_FILE for p in found):
        raise InputError(
            f"{folder} is not a caughtup CSV export (no {ABOUT_FILE}); import one table's CSV "
            "file by its own name"
        )
    out = ImportFile()
    for path in found:
        rows = _csv_rows(path, files.read_input(path), encoding)
        if path.name == ABOUT_FILE:
            about = {c[0]: c[1] for _, c in rows[1:] if len(c) >= 2}
            try:
                version = int(about.get("schema_version", ""))
            except ValueError:
                raise InputError(f"{path}: schema_version is missing or not a number") from None
            if about.get("format") != FORMAT:
                raise InputError(f"{path}: format is not {FORMAT}")
            _check_schema(path, version)
        elif path.name == SETTINGS_FILE:
            for n, cells in rows[1:]:
                if len(cells) != 2:
                    raise InputError(
                        f"{path.name} line {n}: expected key,value; nothing was imported"
                    )
                key, value = (restore_cell(c) for c in cells)
                out.settings.append((key.strip(), value, f"{path.name} line {n}"))
        else:
            out.tables.append(_csv_table(path.stem, path, rows))
    return out


# -- checking rows -------------------------------------------------------------------------------


def check_table(
    table: Table, incoming: Incoming, rules: dict[tuple[str, str], Rule]
) -> tuple[list[str], Sequence[Sequence[Any]]]:
    """(columns, rows) ready to insert; InputError at the first bad cell."""
    known = {c.name: c for c in table.columns}
    seen: set[str] = set()
    for name in incoming.columns:
        if name not in known:
            raise InputError(
                f"{table.name}: unknown column {name!r} (its columns: {', '.join(known)}); "
                "nothing was imported"
            )
        if name in seen:
            raise InputError(f"{table.name}: column {name!r} appears twice; nothing was imported")
        seen.add(name)
    missing = [c.name for c in table.columns if c.required and c.name not in seen]
    if missing:
        raise InputError(
            f"{table.name}: missing {words.noun(len(missing), 'column')} "
            f"{', '.join(missing)}; nothing was imported"
        )
    columns = [known[name] for name in incoming.columns]
    width = len(columns)
    rows: Sequence[Sequence[Any]] = incoming.rows
    if not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {width}:
        for index, row in enumerate(incoming.rows):
            if not isinstance(row, list) or len(row) != width:
                got = f"{len(row)} values" if isinstance(row, list) else f"{type(row).__name__}"
                raise InputError(
                    f"{incoming.where(index)}: {got} for {width} columns; nothing was imported"
                )
    if incoming.from_csv:
        rows = _from_csv(incoming.rows, columns)
    col_rules = [rules.get((table.name, c.name)) or BY_AFFINITY[c.affinity] for c in columns]
    bad_cells = []
    for position, (column, rule) in enumerate(zip(columns, col_rules, strict=True)):
        if _column_breaks(rows, position, rule, column.notnull):
            index = next(
                i for i, row in enumerate(rows) if _breaks([row[position]], rule, column.notnull)
            )
            bad_cells.append((index, position))
    if bad_cells:
        index, position = min(bad_cells)  # the first bad cell, reading row by row
        value = rows[index][position]
        problem = (
            "is empty, and it is required"
            if value is None
            else f"{col_rules[position].words}, got {_show(value)}"
        )
        _reject(incoming, index, columns[position].name, problem)
    if table.name == "days" and {"sessions", "written"} <= seen:
        s, w = incoming.columns.index("sessions"), incoming.columns.index("written")
        for index, pair in enumerate(rows):
            if pair[w] > pair[s]:
                _reject(incoming, index, "written", f"{pair[w]} is more than sessions {pair[s]}")
    if table.name == "state" and {"key", "value"} <= seen:
        k, v = incoming.columns.index("key"), incoming.columns.index("value")
        for index, pair in enumerate(rows):
            found = state_problem(pair[k], pair[v])
            if found:
                _reject(incoming, index, "value", f"{found}, got {_show(pair[v])}")
    return list(incoming.columns), rows


def _column_breaks(
    rows: Sequence[Sequence[Any]], position: int, rule: Rule, required: bool
) -> bool:
    """Whether any value at `position` breaks `rule`, checking each distinct value once.

    100,000 items hold a few thousand dates and a handful of note types. A True or 1.0 that
    equals a 1 seen before is that 1 to a set, and SQLite stores it as that 1.
    """
    try:
        values: Collection[Any] = (
            [row[position] for row in rows] if rule.every else {row[position] for row in rows}
        )
    except TypeError:  # a list or an object where a value belongs
        return True
    return _breaks(values, rule, required)


def _breaks(values: Collection[Any], rule: Rule, required: bool) -> bool:
    """Whether any of `values` breaks `rule` (None only where the column may be empty)."""
    if None in values:
        if required:
            return True
        values = [v for v in values if v is not None]
    return bool(values) and breaks(list(values), rule)


def _reject(incoming: Incoming, index: int, column: str, problem: str) -> NoReturn:
    raise InputError(f"{incoming.where(index)}, field {column}: {problem}; nothing was imported")


def _from_csv(rows: list[list[Any]], columns: list[Column]) -> list[tuple[Any, ...]]:
    """CSV has only text: an empty cell is NULL (unless a text column cannot be), formulas are
    undone, and numbers in number columns read as numbers (a cell that is none stays text, for
    the check to name)."""
    parsed = []
    for position, column in enumerate(columns):
        cells = [row[position] for row in rows]
        keep_empty = column.notnull and column.affinity == "TEXT"
        read = _CSV_READERS.get(column.affinity, restore_cell)
        value_of = {c: None if c == "" and not keep_empty else read(c) for c in set(cells)}
        parsed.append(map(value_of.__getitem__, cells))
    return list(zip(*parsed, strict=True))


def _whole_number(text: str) -> int | str:
    text = restore_cell(text)
    return int(text) if WHOLE_NUMBER.fullmatch(text) else text


def _number(text: str) -> float | str:
    text = restore_cell(text)
    try:
        return float(text)
    except ValueError:
        return text


_CSV_READERS: dict[str, Callable[[str], Any]] = {"INTEGER": _whole_number, "REAL": _number}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- settings ----------------------------------------------------------------------------------


def apply_settings(current: Settings, incoming: list[tuple[str, Any, str]]) -> tuple[Settings, int]:
    """Imported settings over the current ones; secrets are never taken from a file."""
    from tracker.settings_check import SettingError

    values: dict[str, Any] = {}
    places: dict[str, str] = {}
    for key, value, where in incoming:
        try:
            if settings_mod.is_secret(key):
                continue
        except InputError as exc:
            raise InputError(f"{where}: {exc}; nothing was imported") from None
        values[key], places[key] = value, where
    try:
        # Like settings.toml: a country this machine has no crisis data for reads as `other`.
        new = settings_mod.with_values(current, values, loading=True)
    except SettingError as exc:
        raise InputError(f"{places[exc.key]}: {exc}; nothing was imported") from None
    return new, len(values)


# -- the whole import ------------------------------------------------------------------------


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A large import makes a new list per row, none of them in a cycle: the collector would
    walk them again and again while they are read (half the time json.loads takes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(
    ws: Workspace, path: Path, *, encoding: str, table: str | None, replace: bool
) -> dict[str, Any]:
    """Check everything in `path`, then import it in one transaction. Returns counts."""
    with _cycle_collector_paused():
        return _run(ws, path, encoding=encoding, table=table, replace=replace)


def _run(
    ws: Workspace, path: Path, *, encoding: str, table: str | None, replace: bool
) -> dict[str, Any]:
    incoming = read(path, encoding, table)
    store = ws.store
    tables = {t.name: t for t in store.tables()}
    order = list(tables)
    new_settings, settings_count = apply_settings(ws.settings, incoming.settings)
    rules = rules_for(new_settings.rules.note_types, {t.name for t in incoming.tables if t.rows})
    plan = []
    for part in sorted(
        incoming.tables, key=lambda t: order.index(t.name) if t.name in tables else -1
    ):
        if part.name not in tables:
            raise InputError(
                f"{path}: no table named {part.name!r} (caughtup's tables: {', '.join(order)}); "
                "use {table} NAME, or {map} to import an EHR item list; nothing was imported",
                mentions=("table", "map"),
            )
        columns, rows = check_table(tables[part.name], part, rules)
        plan.append((tables[part.name], columns, rows, part))
    settings_changed = new_settings != ws.settings

    def save_settings() -> None:
        if settings_changed:
            ws.save_settings(new_settings)

    # Every import is undone by restoring this copy (refused, like any write, when damaged).
    with backups.before_import(store, ws.home, ws.settings.backups) as backup:
        try:
            counts = store.load_rows(
                [(t, cols, rows) for t, cols, rows, _ in plan],
                replace=replace,
                before_commit=save_settings,
            )
        except RowRejected as exc:
            part = next(p for t, _, _, p in plan if t.name == exc.table)
            raise InputError(  # the store's words may mention {replace}
                f"{part.where(exc.index)}: {exc.problem}; nothing was imported",
                mentions=("replace",),
            ) from None
    return {
        "source": str(path),
        "tables": counts,
        "settings": settings_count if settings_changed else 0,
        "replaced": replace,
        "backup": str(backup) if backup else None,
    }
