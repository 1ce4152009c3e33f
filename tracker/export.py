"""Export: every table the database has, and the settings (never a secret), as JSON or CSV.

JSON is one document: {"format", "version", "schema_version", "exported_at", "settings",
"tables": {name: {"columns": [...], "rows": [[...], ...]}}}, tables in dependency order.
CSV is a folder a spreadsheet can open: one `<table>.csv` per table, `settings.csv` (key, value)
and `about.csv` (what the folder is). Every text cell that a spreadsheet could run as a formula
is neutralised with a leading apostrophe, which import removes again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker import files
from tracker import settings as settings_mod
from tracker.errors import FieldError, InputError
from tracker.paths import ensure_dir, write_private
from tracker.settings import Settings
from tracker.store import SCHEMA_VERSION, Store
from tracker.tables import Table

FORMAT = "caughtup-export"
VERSION = 1
# A spreadsheet treats a cell starting with these as a formula (or, for tab and CR, may shift it
# into one); "'" is included so that the escape itself round-trips.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
SETTINGS_FILE = "settings.csv"
ABOUT_FILE = "about.csv"


def neutralise(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs: `=1+1` becomes `'=1+1`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def restore_cell(text: str) -> str:
    """Undo `neutralise` (import)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@dataclass
class Snapshot:
    """What an export holds, read in one read transaction so it is consistent."""

    exported_at: str
    settings: dict[str, Any]
    """Dotted key -> value, secrets left out."""
    tables: list[tuple[Table, list[tuple[Any, ...]]]]


def public_settings(current: Settings) -> dict[str, Any]:
    """Every setting except secrets (notification URLs may hold tokens)."""
    return {
        key: settings_mod.get_value(current, key)
        for key in settings_mod.all_keys()
        if not settings_mod.is_secret(key)
    }


def secrets_of(current: Settings) -> list[str]:
    found: list[str] = []
    for key in settings_mod.all_keys():
        if settings_mod.is_secret(key):
            value = settings_mod.get_value(current, key)
            found += [v for v in (value if isinstance(value, list) else [value]) if v]
    return found


def snapshot(store: Store, current: Settings, now: datetime, only: str | None = None) -> Snapshot:
    """Read every table (or only `only`) consistently; secrets scrubbed from every cell."""
    tables = store.tables()
    if only is not None:
        names = [t.name for t in tables]
        if only not in names:
            raise FieldError("table", f"must be one of {', '.join(names)}, got {only!r}")
        tables = [t for t in tables if t.name == only]
    secrets = secrets_of(current)
    with store.reading():
        data = [(t, _scrubbed(store.rows(t), secrets)) for t in tables]
    return Snapshot(
        exported_at=now.isoformat(timespec="seconds"),
        settings=public_settings(current) if only is None else {},
        tables=data,
    )


def _scrubbed(rows: Iterator[tuple[Any, ...]], secrets: list[str]) -> list[tuple[Any, ...]]:
    """Rows with any notification URL masked: state kept by notifiers must not leak tokens."""
    if not secrets:
        return list(rows)
    out = []
    for row in rows:
        if any(isinstance(v, str) and any(s in v for s in secrets) for v in row):
            row = tuple(_mask(v, secrets) if isinstance(v, str) else v for v in row)
        out.append(row)
    return out


def _mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        scheme = secret.partition("://")[0]
        text = text.replace(secret, f"{scheme}://(secret, not exported)")
    return text


def to_json(snap: Snapshot) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "schema_version": SCHEMA_VERSION,
        "exported_at": snap.exported_at,
        "settings": snap.settings,
        "tables": {
            table.name: {"columns": [c.name for c in table.columns], "rows": rows}
            for table, rows in snap.tables
        },
    }
    # Rows of plain values cannot hold a cycle: not checking for one saves 10 ms a 100,000 rows.
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    text += "\n"  # in place: the document is 13 MB for 100,000 items
    return text.encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)  # numbers: digits only, nothing a spreadsheet could run


def table_csv(table: Table, rows: list[tuple[Any, ...]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.name) for c in table.columns])
    writer.writerows([_cell(v) for v in row] for row in rows)
    # utf-8-sig: Excel detects UTF-8 by the BOM and would otherwise mangle accents.
    return buffer.getvalue().encode("utf-8-sig")


def _pairs_csv(pairs: list[tuple[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["key", "value"])
    writer.writerows([neutralise(k), neutralise(settings_mod.as_text(v))] for k, v in pairs)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv_folder(snap: Snapshot, out: Path, home: Path) -> list[Path]:
    """One CSV per table plus settings.csv and about.csv in a new (or empty) folder, 0700/0600."""
    folder = files.output_target(out, home, folder=True)
    if folder.exists() and any(folder.iterdir()):
        raise InputError(
            f"{out} already exists and is not an empty folder; a CSV export is a "
            "folder of files: give a new folder name"
        )
    contents = {
        ABOUT_FILE: _pairs_csv(
            [
                ("format", FORMAT),
                ("version", VERSION),
                ("schema_version", SCHEMA_VERSION),
                ("exported_at", snap.exported_at),
            ]
        ),
        SETTINGS_FILE: _pairs_csv(list(snap.settings.items())),
    }
    for table, rows in snap.tables:
        contents[f"{table.name}.csv"] = table_csv(table, rows)
    created = not folder.exists()
    written: list[Path] = []
    try:
        ensure_dir(folder)
        for name, data in contents.items():
            write_private(folder / name, data)
            written.append(folder / name)
    except OSError as exc:
        for path in written:  # no half export: a spreadsheet would open it as if whole
            path.unlink(missing_ok=True)
        if created:
            with suppress(OSError):
                folder.rmdir()
        raise InputError(f"cannot write {out}: {files.os_words(exc, folder.parent)}") from None
    return [out / p.name for p in written]
