"""The Backlog screen's table: its columns for the width and privacy, and a fast fill.

A DataTable measures every cell it is given (about 0.25 ms a row here), so 2,000 notes added at
once kept the screen from showing for about a second. The table shows the first rows at once and
adds the rest a chunk per frame: the screen shows in the same frame as the key, whatever the
backlog's length.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tracker import backlog
from tracker.words import plural

HEADING = "heading:"  # row keys of headings: a note type, or nothing for "waiting on others"
SHORT_MARKS = {"payer window closed": "payer closed", "late entry": "late"}
WIDE = 100
"""Columns from which the Due column fits beside the client's reference."""
FIRST_ROWS = 80
"""Rows added with the screen (more than a tall terminal shows)."""
CHUNK = 250
"""Rows added per frame after that (about 60 ms of the event loop each)."""

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


def cells(r: backlog.Row, keys: Sequence[str]) -> Cells:
    """One note's cells for the columns `keys`."""
    item = r.item
    marks = ", ".join(SHORT_MARKS.get(m, m) for m in r.marks)
    if r.waiting_days is not None:  # waiting on someone else
        marks = f"on {(item.blocked_on or '').replace('_', ' ')} {r.waiting_days}d"
        marks += " · chase it" if r.chase else ""
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


def matches(ref: str | None, query: str) -> bool:
    """Whether a client reference holds the searched text (any case; an empty search: all)."""
    return not query or query.casefold() in (ref or "").casefold()
