"""Import an item list exported from a practice's EHR as CSV, its columns mapped by `--map`.

Each row becomes one open (or written) note item. Every item carries an import key (the EHR's
own id when mapped, else the row's mapped cells and how often that row occurred so far), so
importing the same list again, or an overlapping one, skips the rows already there.
Each mapped field is a pydantic type (its text bounded, then read by the field's own rule),
checked over the column's distinct cells in one call: an EHR list repeats its dates, types and
flags, so 100,000 rows need only a few thousand checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, tzinfo
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, ValidationError

from tracker import backups
from tracker.checkin import placement_words
from tracker.clock import DATE_RANGE, clock_time, date_in_range, to_utc_text
from tracker.errors import FieldError, InputError
from tracker.files import read_input
from tracker.importer import _csv_rows
from tracker.models import check_client_ref
from tracker.settings import BLOCKERS
from tracker.validation import list_of, said
from tracker.workspace import Workspace

# --map field -> what it means; `date` is required.
FIELDS: dict[str, str] = {
    "date": "session date",
    "time": "session start time",
    "type": "note type",
    "client": "client pseudonym",
    "billed": "claim submitted (yes/no)",
    "court": "court-involved (yes/no)",
    "high_risk": "high-risk session (yes/no)",
    "admin": "internal/admin (yes/no)",
    "blocked_on": "waiting on someone (result, referral, coding_query, doc_gap, other)",
    "written": "when the note was signed (empty while open)",
    "id": "the EHR's own id for the row (best for skipping duplicates)",
}
YES = {"1", "y", "yes", "true", "x", "✓"}
NO = {"", "0", "n", "no", "false"}


def parse_map(specs: tuple[str, ...]) -> dict[str, str]:
    """`date=Service Date,type=Note Type` (one or several --map options) -> {field: column}."""
    mapping: dict[str, str] = {}
    for spec in specs:
        for chunk in filter(None, (c.strip() for c in spec.split(","))):
            name, sep, column = chunk.partition("=")
            name = name.strip().lower().replace("-", "_")
            column = column.strip().strip('"').strip("'").strip()
            if not sep or not column:
                raise FieldError("map", f'must be pairs like date="Service Date", got {chunk!r}')
            if name not in FIELDS:
                raise FieldError("map", f"{name!r} is not a field; map any of {', '.join(FIELDS)}")
            if name in mapping:
                raise FieldError("map", f"{name} is given twice")
            mapping[name] = column
    if "date" not in mapping:
        raise FieldError("map", 'needs date=COLUMN (the session date), e.g. date="Service Date"')
    return mapping


MAX_CELL = 200


def field_types(date_format: str, note_types: Sequence[str], today: date) -> dict[str, Any]:
    """Each mapped field's pydantic type: a cell of up to 200 characters, stripped, then read by
    the field's rule (a date in `date_format`, not after `today`; a note type of the settings)."""

    def parse_date(text: str) -> date:
        hint = "YYYY-MM-DD" if date_format == "iso" else date_format
        try:
            if date_format == "iso":
                day = date.fromisoformat(text)
            else:
                day = datetime.strptime(text, date_format).date()
        except ValueError:
            raise ValueError(f"must be a date as {hint} (set {{date_format}} to match)") from None
        if not date_in_range(day):
            raise ValueError(f"must be a date {DATE_RANGE}")
        return day

    def session_date(text: str) -> date:
        day = parse_date(text)
        if day > today:
            raise ValueError("is in the future; notes are owed for sessions already held")
        return day

    def session_time(text: str) -> time | None:
        if not text:
            return None
        return clock_time(text)

    def note_type(text: str) -> str:
        if not text:
            return "progress"
        norm = "_".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())
        for candidate in (norm, norm.removesuffix("_note"), norm.removesuffix("_notes")):
            if candidate in note_types:
                return candidate
        raise ValueError(
            f"must be one of {', '.join(note_types)} (add yours with caughtup config "
            "rules.note_types)"
        )

    def flag(text: str) -> bool:
        low = text.lower()
        if low in YES:
            return True
        if low in NO:
            return False
        raise ValueError("must be yes or no (also 1/0, true/false, x or empty)")

    def client(text: str) -> str | None:
        return check_client_ref(text)[0]  # its InputError is a ValueError: pydantic says it

    def blocked_on(text: str) -> str | None:
        low = text.lower().replace(" ", "_").replace("-", "_")
        if not low:
            return None
        if low not in BLOCKERS:
            raise ValueError(f"must be one of {', '.join(BLOCKERS)} or empty")
        return low

    def written(text: str) -> datetime | date | None:
        if not text:
            return None
        try:  # its range follows from _check_written: after the session, not in the future
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        try:
            return parse_date(text)
        except ValueError:
            pass
        fmt = "%Y-%m-%d" if date_format == "iso" else date_format
        try:
            return datetime.strptime(text, f"{fmt} %H:%M")
        except ValueError:
            raise ValueError("must be a date, or a date and time like 2026-11-20 17:30") from None

    def ident(text: str) -> str:
        if not text:
            raise ValueError("is empty; every row needs its EHR id when id is mapped")
        return text

    rules: dict[str, Callable[[str], Any]] = {
        "date": session_date,
        "time": session_time,
        "type": note_type,
        "client": client,
        "billed": flag,
        "court": flag,
        "high_risk": flag,
        "admin": flag,
        "blocked_on": blocked_on,
        "written": written,
        "id": ident,
    }
    return {
        name: Annotated[
            str,
            StringConstraints(max_length=MAX_CELL, strip_whitespace=True),
            AfterValidator(rule),
        ]
        for name, rule in rules.items()
    }


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return (
        f"is longer than {MAX_CELL} characters"
        if first["type"] == "string_too_long"
        else said(first)
    )


# What makes a row without an EHR id the same row in a later export: its session, as stored.
IDENTITY = ("session_date", "session_time", "note_type", "client_ref")
IDENTITY_DEFAULTS = {"note_type": "progress"}
ROW_KEY = "ehr-row:v2:"

# The items column each mapped field fills, and how its checked value is stored there.
COLUMN = {
    "date": "session_date",
    "time": "session_time",
    "type": "note_type",
    "client": "client_ref",
    "billed": "billed",
    "court": "court",
    "high_risk": "high_risk",
    "admin": "admin",
    "blocked_on": "blocked_on",
    "written": "written_at",
}


def _written_moment(value: datetime | date | None, tz: tzinfo) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc_text(value if value.tzinfo else value.replace(tzinfo=tz))
    return to_utc_text(datetime.combine(value, time(23, 59), tzinfo=tz))


STORED: dict[str, Callable[[Any, tzinfo], Any]] = {
    "date": lambda v, tz: v.isoformat(),
    "time": lambda v, tz: v.strftime("%H:%M") if v else None,
    "type": lambda v, tz: v,
    "client": lambda v, tz: v,
    "billed": lambda v, tz: int(v),
    "court": lambda v, tz: int(v),
    "high_risk": lambda v, tz: int(v),
    "admin": lambda v, tz: int(v),
    "blocked_on": lambda v, tz: v,
    "written": _written_moment,
    "id": lambda v, tz: v,
}


def _check_written(
    path: Path,
    body: list[tuple[int, list[str]]],
    mapping: dict[str, str],
    raw_columns: dict[str, list[str]],
    parsed: dict[str, dict[str, Any]],
    now: datetime,
) -> None:
    """A note cannot be signed before its session, nor in the future."""
    days, written = parsed["date"], parsed["written"]
    for index, (raw_day, raw_written) in enumerate(
        zip(raw_columns["date"], raw_columns["written"], strict=True)
    ):
        value = written[raw_written]
        if value is None:
            continue
        when = value.date() if isinstance(value, datetime) else value
        if when < days[raw_day] or when > now.date():
            raise InputError(
                f"{path.name} line {body[index][0]}, column {mapping['written']!r} (written): "
                f"{raw_written!r} is before the session or in the future; nothing was imported"
            )


def _import_keys(raw_columns: dict[str, list[str]], stored: dict[str, list[Any]]) -> list[str]:
    """The EHR's id when mapped; else the row's identity and how often it occurred so far.

    The identity is the session (date, time, note type, client) as stored, so a cell that gained
    a space or a different spelling of the same type, and a row signed since, are the same row;
    flags and the signature may change between exports. The session date leads, so the keys of
    a date-sorted list arrive in index order.
    """
    if "id" in raw_columns:
        return ["ehr:" + " ".join(raw.split()) for raw in raw_columns["id"]]
    n = len(stored["session_date"])
    # An unmapped column holds its default, as the items table does.
    parts = [stored.get(c) or [IDENTITY_DEFAULTS.get(c)] * n for c in IDENTITY]
    seen: dict[str, int] = {}
    keys = []
    for row in zip(*parts, strict=True):
        identity = "\x1f".join("" if v is None else str(v) for v in row)
        seen[identity] = count = seen.get(identity, 0) + 1
        keys.append(f"{ROW_KEY}{identity}\x1e{count}")
    return keys


def run(
    ws: Workspace,
    path: Path,
    mapping: dict[str, str],
    *,
    encoding: str,
    date_format: str,
) -> dict[str, Any]:
    """Read, check and import the mapped CSV; all rows or none. Returns counts."""
    rows = _csv_rows(path, read_input(path), encoding)
    header = [h.strip() for h in rows[0][1]]
    positions: dict[str, int] = {}
    for name, column in mapping.items():
        if column not in header:
            shown = ", ".join(repr(h) for h in header[:12])
            raise FieldError(
                "map", f"{name}: {path.name} has no column {column!r} (it has {shown})"
            )
        positions[name] = header.index(column)
    now = ws.now()
    tz = ws.tz
    kinds = field_types(date_format, ws.settings.rules.note_types, now.date())
    body = rows[1:]
    for line, cells in body:
        if len(cells) != len(header):
            raise InputError(
                f"{path.name} line {line}: {len(cells)} cells where the header has "
                f"{len(header)}; nothing was imported"
            )
    # Column by column, the distinct cells checked in one call (dates, types and flags repeat
    # down a list), then the rows zipped back together: C loops, so 100,000 rows stay well
    # under 1 s.
    records = [cells for _, cells in body]
    raw_columns = {name: list(map(itemgetter(pos), records)) for name, pos in positions.items()}
    parsed: dict[str, dict[str, Any]] = {}
    for name, cells_of in raw_columns.items():
        distinct = list(dict.fromkeys(cells_of))  # in the order they first appear
        try:
            read = list_of(kinds[name]).validate_python(distinct)
        except ValidationError as exc:
            raw = distinct[int(exc.errors()[0]["loc"][0])]
            line = body[cells_of.index(raw)][0]
            raise InputError(
                f"{path.name} line {line}, column {header[positions[name]]!r} ({name}): "
                f"{_problem(exc)}; got {raw[:40]!r}; nothing was imported",
                mentions=("date_format",),
            ) from None
        parsed[name] = dict(zip(distinct, read, strict=True))
    if "written" in positions:
        _check_written(path, body, mapping, raw_columns, parsed, now)
    created = to_utc_text(now)
    columns: list[str] = []
    values: list[list[Any]] = []
    for name, cells_of in raw_columns.items():
        if name == "id":
            continue
        table = {raw: STORED[name](value, tz) for raw, value in parsed[name].items()}
        columns.append(COLUMN[name])
        values.append(list(map(table.__getitem__, cells_of)))
        if name == "blocked_on":
            columns.append("blocked_since")
            values.append([created if v else None for v in values[-1]])
    keys = _import_keys(raw_columns, dict(zip(columns, values, strict=True)))
    columns += ["created_at", "import_key"]
    values += [[created] * len(records), keys]
    out = list(zip(*values, strict=True))
    store = ws.store
    # Every import is undone by restoring this copy (refused, like any write, when damaged).
    with backups.before_import(store, ws.home, ws.settings.backups) as backup:
        added, updated, placed = store.import_items(columns, out, row_key=(ROW_KEY, IDENTITY))
    return {
        "source": str(path),
        "rows": len(out),
        "added": added,
        "skipped_duplicates": len(out) - added,
        "updated_written": updated,
        "backup": str(backup) if backup else None,
        "replaced_anonymous": sum(1 for p in placed if p.replaced),
        "extra_sessions": sum(1 for p in placed if p.extra),
        "placement": placement_words(placed),
    }
