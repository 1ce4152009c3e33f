"""What each stored column may hold: the pydantic type an import checks every cell by.

They are the rules of the commands that write those columns (a client reference as `add` takes
it, a check-in's numbers as `log` takes them, a sprint's parameters as `plan` takes them, the
JSON a self-check or a reminder keeps), so an import cannot plant a value that a command, a
screen or a rule would trip over later. Each rule is the type of one value, strict (no 1.0 for
1, no "7" for 7), with the words that say it to the user; the importer checks each distinct value
of a column once, in one call per column (see `importer.check_table`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    Json,
    Strict,
    StringConstraints,
    ValidationError,
)

from tracker.checkin import MAX_AFTER_HOURS, MAX_CLEARED, MAX_SESSIONS
from tracker.clock import DATE_RANGE, FIRST_DAY, LAST_DAY
from tracker.models import check_client_ref
from tracker.rules import MAX_NOTATION
from tracker.settings import BLOCKERS
from tracker.store import SENT_PREFIX
from tracker.validation import list_of

MAX_TEXT = 500
"""Longest free text kept (a delivery's error, a block's goal line)."""


class Rule(NamedTuple):
    """How one column's values are checked, and the words for a bad one."""

    kind: Any
    """The pydantic type one value must be."""
    words: str
    dated: bool = False
    """The value starts with a date (YYYY-MM-DD), which must be a real one in the date range:
    checked once per distinct day (100,000 moments hold a few thousand days)."""
    every: bool = False
    """Check every value, not each distinct one: a column taking ints and floats, where
    2**70 == 2.0**70 to a set but only the float fits SQLite."""


adapter = cache(list_of)
"""The check of a list of `kind` values, made once per kind."""


def breaks(values: list[Any], rule: Rule) -> bool:
    """Whether any of `values` (no None among them) breaks `rule`: one pydantic call, and one
    more over their days when the rule is dated."""
    try:
        adapter(rule.kind).validate_python(values)
        if rule.dated:
            adapter(DAY).validate_python(list({v[:10] for v in values}))
    except ValidationError:
        return True
    return False


# -- the kinds of value --------------------------------------------------------------------------


def _printable(text: str) -> str:
    if not text.isprintable():
        raise ValueError("control characters")
    return text


def _key_text(text: str) -> str:
    # An EHR row's key joins its fields with the unit and record separators (see ehr._import_keys):
    # the only control characters a key may hold, so an export of imported rows imports again.
    if not (text.isprintable() or text.translate(_SEPARATORS).isprintable()):
        raise ValueError("control characters")
    return text


_SEPARATORS = str.maketrans("", "", "\x1f\x1e")


def _int64(value: Any) -> Any:
    if type(value) is int and not -(2**63) <= value < 2**63:
        raise ValueError("beyond SQLite's integers")
    return value


def whole(lo: int, hi: int) -> Any:
    """A whole number from `lo` to `hi` (never True, never 1.0)."""
    return Annotated[int, Strict(), Interval(ge=lo, le=hi)]


def text(longest: int = MAX_TEXT) -> Any:
    """Text a terminal shows as written: no control or bidi characters, 1 to `longest` long."""
    return Annotated[
        str,
        Strict(),
        StringConstraints(min_length=1, max_length=longest),
        AfterValidator(_printable),
    ]


def key_text(longest: int = MAX_TEXT) -> Any:
    """An import's key for a row: printable text and the separators caughtup's own keys use."""
    return Annotated[
        str,
        Strict(),
        StringConstraints(min_length=1, max_length=longest),
        AfterValidator(_key_text),
    ]


def one_of(choices: Sequence[str]) -> Any:
    """Exactly one of `choices`."""
    return Literal.__getitem__(tuple(choices))


INT64 = Annotated[int, Strict(), Interval(ge=-(2**63), le=2**63 - 1)]
"""What an SQLite INTEGER holds."""
ROW_ID = Annotated[int, Strict(), Interval(ge=1, le=2**63 - 1)]
"""An id: SQLite's rowids are positive, and the CLI takes ids from 1 (`caughtup done ID`)."""
COUNT = Annotated[int, Strict(), Interval(ge=0, le=2**31)]
MINUTES = Annotated[int, Strict(), Interval(ge=1, le=24 * 60)]
NUMBER = Annotated[float, Strict(), AllowInfNan(False), BeforeValidator(_int64)]
"""A finite float, or a whole number SQLite stores as it is."""
TEXT = Annotated[str, Strict()]
"""Any text SQLite stores as it is: no lone surrogate (a JSON escape such as "\\ud800")."""
NAME = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=64), AfterValidator(_printable)
]
"""A short printable name: a note type, an item id in a questionnaire, an alert's level."""
DATE_TEXT = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
UTC_TEXT = Annotated[
    str,
    Strict(),
    StringConstraints(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\+00:00$"
    ),
]
HHMM = Annotated[str, Strict(), StringConstraints(pattern=r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")]
DAY = Annotated[date, Interval(ge=FIRST_DAY, le=LAST_DAY)]
"""A real calendar date (no 30 February) in the range every user-given date must be in."""


def _real_day(text: str) -> str:
    adapter(DAY).validate_python([text])
    return text


REAL_DATE_TEXT = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    AfterValidator(_real_day),
]
"""A date inside JSON, where each one is checked as it comes."""


def _client_ref(text: str) -> str:
    if check_client_ref(text)[0] != text:
        raise ValueError("spaces around it")
    return text


def _domain(name: str) -> str:
    from tracker.selfcheck import DOMAINS

    if name not in DOMAINS:
        raise ValueError("not a domain")
    return name


def _plan_options(data: Any) -> Any:
    from tracker.sprint import params_problem

    problem = params_problem(data)
    if problem:
        raise ValueError(problem)
    return data


CLIENT_REF = Annotated[str, Strict(), AfterValidator(_client_ref)]
ANSWERS = Json[dict[NAME, Annotated[int, Strict(), Interval(ge=0, le=9)]]]
SCORES = Json[
    dict[
        Annotated[str, Strict(), AfterValidator(_domain)],
        Annotated[int, Strict(), Interval(ge=0, le=100)],
    ]
]
PLAN_OPTIONS = Annotated[Json[Any], AfterValidator(_plan_options)]
BASELINE = Json[list[tuple[REAL_DATE_TEXT, COUNT]]]
GROUPS = Json[list[tuple[NAME, list[ROW_ID]]]]
ITEM_IDS = Json[list[ROW_ID]]


class ExportRecord(BaseModel):
    """What `block export` keeps of the calendar events it wrote, to replace them next time."""

    uid: NAME
    revision: Annotated[int, Strict(), Interval(ge=1, le=2**31)]
    events: list[tuple[REAL_DATE_TEXT, HHMM, MINUTES]]


SENT = Json[dict[TEXT, NAME | COUNT]]
EXPORTED = Json[ExportRecord]


def state_problem(key: str, value: str) -> str | None:
    """What is wrong with a small-state row, by what its key says it holds (None: fine)."""
    from tracker.sprint import EXPORTED_PREFIX

    if key.startswith(SENT_PREFIX) and breaks([value], Rule(SENT, "")):
        return "must be the alerts sent, as a JSON object of alert names and levels"
    if key.startswith(EXPORTED_PREFIX) and breaks([value], Rule(EXPORTED, "")):
        return (
            'must be a calendar export record, as JSON {"uid", "revision", '
            '"events": [[date, HH:MM, minutes], ...]}'
        )
    return None


# -- the rules, by (table, column) ---------------------------------------------------------------


def rules_for(
    note_types: Sequence[str], tables: Collection[str] | None = None
) -> dict[tuple[str, str], Rule]:
    """Every column's rule; `note_types` are the settings' (after the import's own settings).

    Only `tables` need theirs (all when None): the self-check's and the sprint's rules import
    those modules (about 15 ms), which an import of items alone does without.
    """
    wanted = set(tables) if tables is not None else {"selfchecks", "sprints"}
    date_rule = Rule(DATE_TEXT, f"must be a date as YYYY-MM-DD {DATE_RANGE}", dated=True)
    utc_rule = Rule(
        UTC_TEXT,
        f"must be a UTC date-time like 2026-11-22T18:00:00+00:00, {DATE_RANGE}",
        dated=True,
    )
    time_rule = Rule(HHMM, "must be a time as HH:MM")
    flag = Rule(whole(0, 1), "must be 0 or 1")
    row_id = Rule(ROW_ID, "must be a whole number from 1 (an id)")

    def bounded(lo: int, hi: int) -> Rule:
        return Rule(whole(lo, hi), f"must be a whole number from {lo} to {hi}")

    def printable(longest: int = MAX_TEXT) -> Rule:
        return Rule(
            text(longest),
            f"must be printable text of 1 to {longest} characters (no control characters)",
        )

    def choice(choices: Sequence[str], hint: str = "") -> Rule:
        return Rule(one_of(choices), f"must be one of {', '.join(choices)}{hint}")

    def json_rule(shape: str, kind: Any) -> Rule:
        return Rule(kind, f"must be JSON text holding {shape}")

    rules = {
        ("items", "id"): row_id,
        ("items", "session_date"): date_rule,
        ("items", "session_time"): time_rule,
        ("items", "note_type"): choice(
            note_types,
            " (the note types in settings; add one with caughtup config rules.note_types)",
        ),
        ("items", "client_ref"): Rule(
            CLIENT_REF,
            "must be a short pseudonym of up to 16 printable characters, without spaces around "
            "it (like C7 or JD)",
        ),
        **{("items", f): flag for f in ("billed", "court", "high_risk", "admin")},
        ("items", "blocked_on"): choice(BLOCKERS),
        ("items", "blocked_since"): utc_rule,
        ("items", "written_at"): utc_rule,
        ("items", "created_at"): utc_rule,
        ("items", "source"): choice(("item", "count", "calendar")),
        ("items", "cleared_by"): date_rule,
        ("items", "import_key"): Rule(
            key_text(1000), "must be text of 1 to 1000 characters, as an import's key for a row"
        ),
        ("items", "notation"): printable(MAX_NOTATION),
        ("items", "minutes"): bounded(1, 1440),
        ("items", "cpt"): printable(16),
        ("days", "day"): date_rule,
        ("days", "sessions"): bounded(0, MAX_SESSIONS),
        ("days", "written"): bounded(0, MAX_SESSIONS),
        ("days", "cleared"): bounded(0, MAX_CLEARED),
        ("days", "after_hours"): bounded(0, MAX_AFTER_HOURS),
        ("days", "dread"): bounded(0, 4),
        ("days", "drained"): bounded(0, 4),
        ("days", "logged_at"): utc_rule,
        ("state", "key"): printable(200),
        ("state", "value"): Rule(TEXT, "must be text"),
        ("deliveries", "id"): row_id,
        ("deliveries", "at"): utc_rule,
        ("deliveries", "kind"): printable(64),
        ("deliveries", "channel"): printable(64),
        ("deliveries", "target"): printable(200),
        ("deliveries", "ok"): flag,
        ("deliveries", "error"): printable(),
    }
    if "selfchecks" in wanted:
        from tracker.selfcheck import DOMAINS, PROFILES

        rules.update(
            {
                ("selfchecks", "id"): row_id,
                ("selfchecks", "taken_on"): date_rule,
                ("selfchecks", "taken_at"): utc_rule,
                ("selfchecks", "questionnaire"): printable(64),
                ("selfchecks", "answers"): json_rule(
                    "an object of item ids and answers 0 to 9", ANSWERS
                ),
                ("selfchecks", "scores"): json_rule(
                    f"an object of domains ({', '.join(DOMAINS)}) and scores 0 to 100", SCORES
                ),
                ("selfchecks", "profile"): choice(PROFILES),
                ("selfchecks", "safety_flag"): flag,
            }
        )
    if wanted & {"sprints", "sprint_blocks", "pace"}:
        from tracker.sprint import MAX_WEIGHT

        rules.update(
            {
                ("sprints", "id"): row_id,
                ("sprints", "uid"): Rule(
                    Annotated[str, Strict(), StringConstraints(pattern=r"^\w{1,64}$")],
                    "must be a token of 1 to 64 letters and digits",
                ),
                ("sprints", "started_on"): date_rule,
                ("sprints", "params"): json_rule(
                    "the plan's options, as `caughtup plan` takes them", PLAN_OPTIONS
                ),
                ("sprints", "baseline"): json_rule("a list of [date, notes left] pairs", BASELINE),
                ("sprints", "start_outstanding"): bounded(0, 2**31),
                ("sprints", "revision"): bounded(1, 2**31),
                ("sprints", "created_at"): utc_rule,
                ("sprints", "ended_at"): utc_rule,
                ("sprint_blocks", "id"): row_id,
                ("sprint_blocks", "sprint_id"): row_id,
                ("sprint_blocks", "day"): date_rule,
                ("sprint_blocks", "start"): time_rule,
                ("sprint_blocks", "minutes"): bounded(1, 24 * 60),
                ("sprint_blocks", "groups"): json_rule(
                    "a list of [note type, [item ids]] pairs", GROUPS
                ),
                ("sprint_blocks", "goal"): printable(),
                ("sprint_blocks", "done_at"): utc_rule,
                ("sprint_blocks", "done_ids"): json_rule("a list of item ids", ITEM_IDS),
                ("sprint_blocks", "minutes_spent"): bounded(1, 24 * 60),
                ("sprint_blocks", "remaining_after"): bounded(0, 2**31),
                ("pace", "note_type"): printable(64),
                ("pace", "minutes"): Rule(
                    Annotated[NUMBER, Interval(ge=1, le=240)],
                    "must be a number from 1 to 240",
                    every=True,
                ),
                ("pace", "weight"): Rule(
                    Annotated[NUMBER, Interval(ge=0, le=MAX_WEIGHT)],
                    f"must be a number from 0 to {MAX_WEIGHT:g}",
                    every=True,
                ),
                ("pace", "updated_at"): utc_rule,
            }
        )
    return rules


# A column without a rule of its own: any value its type affinity stores as it is (SQLite would
# turn "7" into 7 in an INTEGER column, and refuse a Python int beyond 64 bits with a traceback).
BY_AFFINITY: dict[str, Rule] = {
    "INTEGER": Rule(INT64, "must be a whole number"),
    "REAL": Rule(NUMBER, "must be a number", every=True),
    "TEXT": Rule(TEXT, "must be text"),
    "NUMERIC": Rule(INT64 | NUMBER | TEXT, "must be a number or text", every=True),
    "BLOB": Rule(INT64 | NUMBER | TEXT, "must be a number or text", every=True),
}
