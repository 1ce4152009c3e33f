"""The hand-off list: open notes that wait on someone else, grouped by who acts next (results,
referrals/authorizations, documentation gaps, other hand-offs), so the clinician can pass one
list to the person who closes it (`backlog --owner others`, its `--csv`, the Backlog screen).

Its CSV is the one export that carries client references, since the receiver needs them to find
the charts: it is written owner-only, the command says so, and every text cell is defused against
CSV injection (a cell a spreadsheet would run as a formula starts with an apostrophe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tracker.backlog import Row
from tracker.settings import BLOCKERS
from tracker.waiting import REASON_WORDS

OWNERS = ("me", "others")
"""me: notes to write and coding queries to answer; others: what waits on someone else."""
NOTICE = (
    "it holds client references: pass it only to the person who closes these notes, "
    "and delete it once they have"
)
COLUMNS = (
    "id",
    "client_ref",
    "note_type",
    "session_date",
    "age_days",
    "waiting_on",
    "waiting_days",
    "chase",
)
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


def who(reason: str) -> str:
    """Who acts on a blocked reason, in words: 'results', 'referrals/authorizations'."""
    return REASON_WORDS.get(reason, reason.replace("_", " "))


def groups(rows: Iterable[Row]) -> list[tuple[str, list[Row]]]:
    """Blocked rows by reason, in the settings' order of reasons (then any other), each group in
    the order given."""
    by: dict[str, list[Row]] = {}
    for row in rows:
        by.setdefault(row.item.blocked_on or "other", []).append(row)
    order = [r for r in BLOCKERS if r in by] + sorted(set(by) - set(BLOCKERS))
    return [(reason, by[reason]) for reason in order]


def by_who(rows: Iterable[Row]) -> list[Row]:
    """The rows of `groups`, one run per who acts."""
    return [row for _, group in groups(rows) for row in group]


def defused(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA) else value


def csv_text(rows: Iterable[Row]) -> str:
    """The rows as CSV, with client references; see the module's docstring."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        item = row.item
        writer.writerow(
            [
                item.id,
                defused(item.client_ref or ""),
                defused(item.note_type),
                item.session_date.isoformat(),
                row.age_days,
                defused(who(item.blocked_on)) if item.blocked_on else "",
                "" if row.waiting_days is None else row.waiting_days,
                "yes" if row.chase else "",
            ]
        )
    return out.getvalue()
