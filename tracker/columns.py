"""What each stored column may hold: the rules an import checks every cell by.

They are the rules of the commands that write those columns (a client reference as `add` takes
it, a check-in's numbers as `log` takes them, a sprint's parameters as `plan` takes them, the
JSON a self-check or a reminder keeps), so an import cannot plant a value that a command, a
screen or a rule would trip over later. Each rule tests one value; the importer tests each
distinct value of a column once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.checkin import MAX_AFTER_HOURS, MAX_CLEARED, MAX_SESSIONS
from tracker.clock import DATE_RANGE, date_in_range
from tracker.errors import InputError
from tracker.models import check_client_ref
from tracker.rules import MAX_NOTATION
from tracker.settings import BLOCKERS
from tracker.store import SENT_PREFIX

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UTC_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\+00:00"
)
HHMM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
INT64 = range(-(2**63), 2**63)
"""What an SQLite INTEGER holds."""
ROW_ID = range(1, 2**63)
"""An id: SQLite's rowids are positive, and the CLI takes ids from 1 (`caughtup done ID`)."""
MAX_TEXT = 500
"""Longest free text kept (a delivery's error, a block's goal line)."""


@dataclass(frozen=True)
class Rule:
    """How one column's values are checked, and the words for a bad one."""

    types: tuple[type, ...]
    words: str
    test: Callable[[Any], object] | None = None
    """Whether one value (of one of `types`) is good."""
    span: range | None = None
    """The whole numbers allowed (checked by the smallest and largest value: fast)."""
    dated: bool = False
    """The value starts with a date (YYYY-MM-DD) that must be a real one in the date range."""


def real_date(text: str) -> bool:
    """A real calendar date (no 30 February) in the range every user-given date must be in."""
    try:
        return date_in_range(date.fromisoformat(text))
    except ValueError:
        return False


def storable(value: Any) -> bool:
    """SQLite takes it as it is: UTF-8 text, a 64-bit integer, or a finite float."""
    if type(value) is str:
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate, from a JSON escape such as "\ud800"
            return False
        return True
    if type(value) is int:
        return value in INT64
    return math.isfinite(value)


def printable(text: str, longest: int = MAX_TEXT) -> bool:
    """Text a terminal shows as written: no control or bidi characters, not too long."""
    return 0 < len(text) <= longest and text.isprintable() and storable(text)


def _client_ref(text: str) -> bool:
    try:
        return check_client_ref(text)[0] == text
    except InputError:
        return False


# -- JSON kept in a text column ---------------------------------------------------------------


def _json(text: str) -> Any:
    """The JSON value in `text`, or NotImplemented when it is none (or too deep or too big)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # ValueError: also an integer over 4,300 digits
        return NotImplemented


def _whole(value: Any, lo: int, hi: int) -> bool:
    return type(value) is int and lo <= value <= hi


def _ids(value: Any) -> bool:
    return type(value) is list and all(type(i) is int and i in ROW_ID for i in value)


def _groups(text: str) -> bool:
    """A block's notes by type: [[note type, [item ids]], ...] (the sprint writes it)."""
    value = _json(text)
    return type(value) is list and all(
        type(g) is list and len(g) == 2 and type(g[0]) is str and printable(g[0], 64) and _ids(g[1])
        for g in value
    )


def _done_ids(text: str) -> bool:
    return _ids(_json(text))


def _baseline(text: str) -> bool:
    """A sprint's burndown: [[date, notes left], ...]."""
    value = _json(text)
    return type(value) is list and all(
        type(p) is list
        and len(p) == 2
        and type(p[0]) is str
        and ISO_DATE.fullmatch(p[0]) is not None
        and real_date(p[0])
        and _whole(p[1], 0, 2**31)
        for p in value
    )


def _params(text: str) -> bool:
    from tracker.sprint import params_problem

    return params_problem(_json(text)) is None


def _answers(text: str) -> bool:
    """A self-check's answers: item id -> a whole number on its scale (0 to 9)."""
    value = _json(text)
    return type(value) is dict and all(
        printable(k, 64) and _whole(v, 0, 9) for k, v in value.items()
    )


def _scores(text: str) -> bool:
    """A self-check's scores: domain -> 0 to 100."""
    from tracker.selfcheck import DOMAINS

    value = _json(text)
    return type(value) is dict and all(k in DOMAINS and _whole(v, 0, 100) for k, v in value.items())


def state_problem(key: str, value: str) -> str | None:
    """What is wrong with a small-state row, by what its key says it holds (None: fine)."""
    from tracker.sprint import EXPORTED_PREFIX

    if key.startswith(SENT_PREFIX):
        data = _json(value)
        if type(data) is not dict or not all(
            type(k) is str and ((type(v) is str and printable(v, 64)) or _whole(v, 0, 2**31))
            for k, v in data.items()
        ):
            return "must be the alerts sent, as a JSON object of alert names and levels"
    elif key.startswith(EXPORTED_PREFIX):
        data = _json(value)
        if type(data) is not dict or not _exported(data):
            return (
                'must be a calendar export record, as JSON {"uid", "revision", '
                '"events": [[date, HH:MM, minutes], ...]}'
            )
    return None


def _exported(data: dict[str, Any]) -> bool:
    events = data.get("events")
    return (
        type(data.get("uid")) is str
        and printable(data["uid"], 64)
        and _whole(data.get("revision"), 1, 2**31)
        and type(events) is list
        and all(
            type(e) is list
            and len(e) == 3
            and type(e[0]) is str
            and real_date(e[0])
            and type(e[1]) is str
            and HHMM.fullmatch(e[1]) is not None
            and _whole(e[2], 1, 24 * 60)
            for e in events
        )
    )


# -- the rules, by (table, column) ---------------------------------------------------------------


def rules_for(
    note_types: Sequence[str], tables: Collection[str] | None = None
) -> dict[tuple[str, str], Rule]:
    """Every column's rule; `note_types` are the settings' (after the import's own settings).

    Only `tables` need theirs (all when None): the self-check's and the sprint's rules import
    those modules (about 15 ms), which an import of items alone does without.
    """
    wanted = set(tables) if tables is not None else {"selfchecks", "sprints"}
    date_rule = Rule(
        (str,), f"must be a date as YYYY-MM-DD {DATE_RANGE}", ISO_DATE.fullmatch, dated=True
    )
    utc_rule = Rule(
        (str,),
        f"must be a UTC date-time like 2026-11-22T18:00:00+00:00, {DATE_RANGE}",
        UTC_TEXT.fullmatch,
        dated=True,
    )
    flag = Rule((int,), "must be 0 or 1", span=range(2))
    row_id = Rule((int,), "must be a whole number from 1 (an id)", span=ROW_ID)

    def bounded(lo: int, hi: int) -> Rule:
        return Rule((int,), f"must be a whole number from {lo} to {hi}", span=range(lo, hi + 1))

    def text(longest: int = MAX_TEXT) -> Rule:
        return Rule(
            (str,),
            f"must be printable text of 1 to {longest} characters (no control characters)",
            lambda v: printable(v, longest),
        )

    def one_of(choices: Sequence[str], hint: str = "") -> Rule:
        return Rule(
            (str,), f"must be one of {', '.join(choices)}{hint}", frozenset(choices).__contains__
        )

    def json_rule(shape: str, test: Callable[[str], bool]) -> Rule:
        return Rule((str,), f"must be JSON text holding {shape}", test)

    note_type = one_of(
        note_types,
        " (the note types in settings; add one with caughtup config rules.note_types)",
    )
    rules = {
        ("items", "id"): row_id,
        ("items", "session_date"): date_rule,
        ("items", "session_time"): Rule((str,), "must be a time as HH:MM", HHMM.fullmatch),
        ("items", "note_type"): note_type,
        ("items", "client_ref"): Rule(
            (str,),
            "must be a short pseudonym of up to 16 printable characters, without spaces around "
            "it (like C7 or JD)",
            _client_ref,
        ),
        **{("items", f): flag for f in ("billed", "court", "high_risk", "admin")},
        ("items", "blocked_on"): one_of(BLOCKERS),
        ("items", "blocked_since"): utc_rule,
        ("items", "written_at"): utc_rule,
        ("items", "created_at"): utc_rule,
        ("items", "source"): one_of(("item", "count")),
        ("items", "cleared_by"): date_rule,
        ("items", "import_key"): text(1000),
        ("items", "notation"): text(MAX_NOTATION),
        ("days", "day"): date_rule,
        ("days", "sessions"): bounded(0, MAX_SESSIONS),
        ("days", "written"): bounded(0, MAX_SESSIONS),
        ("days", "cleared"): bounded(0, MAX_CLEARED),
        ("days", "after_hours"): bounded(0, MAX_AFTER_HOURS),
        ("days", "dread"): bounded(0, 4),
        ("days", "drained"): bounded(0, 4),
        ("days", "logged_at"): utc_rule,
        ("state", "key"): text(200),
        ("state", "value"): Rule((str,), "must be text", storable),
        ("deliveries", "id"): row_id,
        ("deliveries", "at"): utc_rule,
        ("deliveries", "kind"): text(64),
        ("deliveries", "channel"): text(64),
        ("deliveries", "target"): text(200),
        ("deliveries", "ok"): flag,
        ("deliveries", "error"): text(),
    }
    if "selfchecks" in wanted:
        from tracker.selfcheck import DOMAINS, PROFILES

        rules.update(
            {
                ("selfchecks", "id"): row_id,
                ("selfchecks", "taken_on"): date_rule,
                ("selfchecks", "taken_at"): utc_rule,
                ("selfchecks", "questionnaire"): text(64),
                ("selfchecks", "answers"): json_rule(
                    "an object of item ids and answers 0 to 9", _answers
                ),
                ("selfchecks", "scores"): json_rule(
                    f"an object of domains ({', '.join(DOMAINS)}) and scores 0 to 100", _scores
                ),
                ("selfchecks", "profile"): one_of(PROFILES),
                ("selfchecks", "safety_flag"): flag,
            }
        )
    if wanted & {"sprints", "sprint_blocks", "pace"}:
        from tracker.sprint import MAX_WEIGHT

        rules.update(
            {
                ("sprints", "id"): row_id,
                ("sprints", "uid"): Rule(
                    (str,),
                    "must be a token of 1 to 64 letters and digits",
                    re.compile(r"\w{1,64}").fullmatch,
                ),
                ("sprints", "started_on"): date_rule,
                ("sprints", "params"): json_rule(
                    "the plan's options, as `caughtup plan` takes them", _params
                ),
                ("sprints", "baseline"): json_rule("a list of [date, notes left] pairs", _baseline),
                ("sprints", "start_outstanding"): bounded(0, 2**31),
                ("sprints", "revision"): bounded(1, 2**31),
                ("sprints", "created_at"): utc_rule,
                ("sprints", "ended_at"): utc_rule,
                ("sprint_blocks", "id"): row_id,
                ("sprint_blocks", "sprint_id"): row_id,
                ("sprint_blocks", "day"): date_rule,
                ("sprint_blocks", "start"): Rule((str,), "must be a time as HH:MM", HHMM.fullmatch),
                ("sprint_blocks", "minutes"): bounded(1, 24 * 60),
                ("sprint_blocks", "groups"): json_rule(
                    "a list of [note type, [item ids]] pairs", _groups
                ),
                ("sprint_blocks", "goal"): text(),
                ("sprint_blocks", "done_at"): utc_rule,
                ("sprint_blocks", "done_ids"): json_rule("a list of item ids", _done_ids),
                ("sprint_blocks", "minutes_spent"): bounded(1, 24 * 60),
                ("sprint_blocks", "remaining_after"): bounded(0, 2**31),
                ("pace", "note_type"): text(64),
                ("pace", "minutes"): Rule(
                    (int, float), "must be a number from 1 to 240", lambda v: 1 <= v <= 240
                ),
                ("pace", "weight"): Rule(
                    (int, float),
                    f"must be a number from 0 to {MAX_WEIGHT:g}",
                    lambda v: 0 <= v <= MAX_WEIGHT,
                ),
                ("pace", "updated_at"): utc_rule,
            }
        )
    return rules
