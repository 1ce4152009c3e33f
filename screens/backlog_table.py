"""The Backlog screen's table: its columns for the width and privacy, its rows and widths.

The table (screens/note_table.py) makes a row's cells only when the row comes into view, so the
widths come from the notes' fields here, without making 2,000 rows of cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.cells import cell_len
from rich.text import Text

from tracker import backlog
from tracker.words import plural

HEADING = "heading:"  # row keys of headings: a note type, or nothing for "waiting on others"
SHORT_MARKS = {"payer window closed": "payer closed", "late entry": "late"}
WIDE = 100
"""Columns from which the Due column fits beside the client's reference."""

Cells = list[Text]
Entry = tuple[str, "backlog.Row | Cells"]
"""A table row to add: its key, and its note (whose cells are made as it is added) or cells."""


def columns(wide: bool, refs: bool) -> list[tuple[str, str]]:
    """(label, key) of the table's columns: the client's reference second, where it is always
    in view; the due time only where it fits."""
    shown = [("#", "id")]
    if refs:
        shown.append(("Client", "client"))
    shown += [("P", "tier"), ("Type", "type"), ("Session", "session"), ("Age", "age")]
    if wide:
        shown.append(("Due", "due"))
    shown.append(("Marks", "marks"))
    return shown


def marks_text(r: backlog.Row) -> str:
    """A note's marks in short words; for one waiting on others, on whom and how long."""
    if r.waiting_days is not None:
        marks = f"on {(r.item.blocked_on or '').replace('_', ' ')} {r.waiting_days}d"
        return marks + (" · chase it" if r.chase else "")
    return ", ".join(SHORT_MARKS.get(m, m) for m in r.marks)


def cells(r: backlog.Row, keys: Sequence[str]) -> Cells:
    """One note's cells for the columns `keys`."""
    item = r.item
    marks = marks_text(r)
    session = item.session_date.strftime("%d %b")
    if item.session_time:
        session += item.session_time.strftime(" %H:%M")
    every = {
        "id": Text(str(item.id), justify="right"),
        "client": Text(item.client_ref or ""),
        "tier": Text(f"P{r.tier}"),
        "type": Text(item.note_type.replace("_", " ")),
        "session": Text(session),
        "age": Text(f"{r.age_days}d", justify="right"),
        "due": Text(backlog.due_text(r.due)[4:]),  # without the weekday
        "marks": Text(marks, style="bold" if r.breach else ""),
    }
    return [every[k] for k in keys]


def heading(keys: Sequence[str], title: str, count: int, note: str = "") -> Cells:
    """A heading row: its title under Type, the count under Session, a note under Marks."""
    row = [Text("") for _ in keys]
    row[keys.index("type")] = Text(title, style="bold underline")
    row[keys.index("session")] = Text(plural(count, "note"), style="italic")
    if note:
        row[keys.index("marks")] = Text(note, style="italic")
    return row


def table_rows(listing: backlog.Backlog, keys: Sequence[str], by_type: bool) -> list[Entry]:
    """Every row of the table, keyed: notes by id, headings by `HEADING`."""
    out: list[Entry] = []
    group = None
    for r in listing.rows:
        if by_type and r.item.note_type != group:
            group = r.item.note_type
            count = sum(1 for x in listing.rows if x.item.note_type == group)
            out.append((f"{HEADING}{group}", heading(keys, group.replace("_", " "), count)))
        out.append((str(r.item.id), r))
    if listing.blocked:
        # Apart from the backlog, but in the table so they can be edited or unblocked.
        note = "waiting on others"
        out.append((HEADING, heading(keys, "blocked", len(listing.blocked), note)))
        out += [(str(r.item.id), r) for r in listing.blocked]
    return out


def entry_cells(entry: Entry, keys: Sequence[str]) -> Cells:
    """The cells of a row to add."""
    what = entry[1]
    return cells(what, keys) if isinstance(what, backlog.Row) else what


def widths(entries: Sequence[Entry], keys: Sequence[str], labels: Sequence[str]) -> list[int]:
    """Each column's width: its widest cell or label, from the notes' fields (no cells made)."""
    notes = [what for _, what in entries if isinstance(what, backlog.Row)]
    headings = [what for _, what in entries if not isinstance(what, backlog.Row)]

    def widest(values: Iterable[int]) -> int:
        return max(values, default=0)

    timed = any(r.item.session_time for r in notes)
    natural: dict[str, Callable[[], int]] = {
        "id": lambda: widest(len(str(r.item.id)) for r in notes),
        "client": lambda: widest(cell_len(r.item.client_ref or "") for r in notes),
        "tier": lambda: 2,
        "type": lambda: widest(len(r.item.note_type) for r in notes),
        "session": lambda: (12 if timed else 6) if notes else 0,  # "05 Nov 14:30"
        "age": lambda: widest(len(str(r.age_days)) + 1 for r in notes),
        "due": lambda: 12 if notes else 0,  # "05 Nov 24:00"
        "marks": lambda: widest(cell_len(marks_text(r)) for r in notes),
    }
    return [
        max(cell_len(label), natural[key](), widest(h[n].cell_len for h in headings))
        for n, (key, label) in enumerate(zip(keys, labels, strict=True))
    ]


def matches(ref: str | None, query: str) -> bool:
    """Whether a client reference holds the searched text (any case; an empty search: all)."""
    return not query or query.casefold() in (ref or "").casefold()
