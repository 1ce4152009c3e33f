"""What each setting may hold, checked by pydantic: a settings file, an import's settings, and
every value typed in `caughtup config`, the Settings screen or onboarding.

The rules are the annotations of the records in `tracker.settings`; this module gives them their
meaning (the markers `Whole`, `OneOf`, `ListOf`, `Pairs` and the checks the `AfterValidator`s
name) and turns a failed check into one line: the key, what it must be, and the value given.
Imported only to check something: pydantic costs about 150 ms, and `status` never needs it.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    ValidationInfo,
    create_model,
)
from pydantic_core import CoreSchema, core_schema

from tracker import settings
from tracker.errors import InputError
from tracker.settings import SECTIONS, Settings
from tracker.validation import said

LEGACY_CACHE_NAME = ".settings.toml.json"
"""Where an earlier caughtup kept a copy of the last parse, notification URLs included."""


# -- what a setting may hold ---------------------------------------------------------------------


def _number(raw: Any) -> Any:
    """Text as `config` takes it (" 6") read as a whole number; anything else as it is."""
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            return int(raw.strip())
    return raw


def _whole(lo: int, hi: int) -> CoreSchema:
    return core_schema.no_info_before_validator_function(
        _number, core_schema.int_schema(ge=lo, le=hi, strict=True)
    )


@dataclass(frozen=True)
class Whole:
    """A whole number from `lo` to `hi` (never true or 6.0)."""

    lo: int
    hi: int

    @property
    def words(self) -> str:
        return f"a whole number from {self.lo} to {self.hi}"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return _whole(self.lo, self.hi)


@dataclass(frozen=True)
class OneOf:
    """One of `choices`, in any case ("Mon" is mon)."""

    choices: tuple[str, ...]

    @property
    def words(self) -> str:
        return f"one of {', '.join(self.choices)}"

    def _matched(self, raw: Any) -> Any:
        if isinstance(raw, str):
            return next((c for c in self.choices if c.lower() == raw.strip().lower()), raw)
        return raw

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(
            self._matched, core_schema.literal_schema(list(self.choices))
        )


@dataclass(frozen=True)
class ListOf:
    """A list of text, or of `choices` (in any case); text is split at commas."""

    choices: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return "a comma-separated list" + (f" of {', '.join(self.choices)}" if self.choices else "")

    def _listed(self, raw: Any) -> Any:
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if self.choices and isinstance(raw, list):
            raw = [p.lower() if isinstance(p, str) else p for p in raw]
        return raw

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        each = (
            core_schema.literal_schema(list(self.choices))
            if self.choices
            else core_schema.str_schema(strict=True)
        )
        return core_schema.no_info_before_validator_function(
            self._listed, core_schema.list_schema(each, strict=True)
        )


@dataclass(frozen=True)
class Pairs:
    """Names with whole numbers from `lo` to `hi`; text as `progress=9,intake=20`."""

    lo: int
    hi: int

    @property
    def words(self) -> str:
        return f"pairs like progress=9,intake=20 with numbers from {self.lo} to {self.hi}"

    @staticmethod
    def _paired(raw: Any) -> Any:
        if not isinstance(raw, str):
            return raw
        pairs = {}
        for chunk in filter(None, (c.strip() for c in raw.split(","))):
            name, sep, number = chunk.partition("=")
            if not sep:
                return raw  # not pairs: said as such
            pairs[name.strip()] = number.strip()
        return pairs

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(
            self._paired,
            core_schema.dict_schema(
                core_schema.str_schema(strict=True, min_length=1),
                _whole(self.lo, self.hi),
                strict=True,
            ),
        )


@dataclass(frozen=True)
class TextPairs:
    """Names with text values; text as `intake=intake,group=group`."""

    @property
    def words(self) -> str:
        return "pairs like intake=intake,group=group"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        text = core_schema.str_schema(strict=True, min_length=1, max_length=40)
        return core_schema.no_info_before_validator_function(
            Pairs._paired, core_schema.dict_schema(text, text, strict=True)
        )


def time_zone(value: str, info: ValidationInfo) -> str:
    """An IANA region name (America/New_York) when typed; a file's older value (EST) still opens."""
    if value:
        from zoneinfo import ZoneInfo

        from tracker import zones

        try:
            ZoneInfo(value)
        except (ValueError, KeyError, OSError):
            known = False
        else:
            known = True
        if not known or ((info.context or {}).get("typed") and not zones.is_region(value)):
            guess = zones.suggest(value)
            if guess:
                raise ValueError(f"an IANA region name; for {value} use {guess}")
            raise ValueError(
                "an IANA time zone such as Europe/Dublin or America/Chicago, or empty for the "
                "system's"
            )
    return value


def country(value: str, info: ValidationInfo) -> str:
    """A country the crisis data knows, when typed. Not when a file is read: an old file that
    names a country no longer known still opens (the crisis resources are then `other`'s)."""
    if not (info.context or {}).get("typed"):
        return value
    from tracker import crisis

    table = crisis.table()
    known = table.canonical(value)
    if known is None:
        raise ValueError(
            f"a country code from the crisis data ({', '.join(table.choices())}); "
            "`caughtup crisis --list` names them"
        )
    return known


_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def clock_time(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise ValueError("a time as HH:MM, e.g. 16:00")
    return value


def quiet_range(value: str) -> str:
    parts = value.split("-")
    if value and not (len(parts) == 2 and all(_HHMM.fullmatch(p) for p in parts)):
        raise ValueError("a range HH:MM-HH:MM, e.g. 19:00-08:00, or empty for none")
    return value


def work_range(value: str) -> str:
    parts = value.split("-")
    if not (len(parts) == 2 and all(_HHMM.fullmatch(p) for p in parts) and parts[0] < parts[1]):
        raise ValueError("a range HH:MM-HH:MM that starts before it ends, e.g. 08:00-18:00")
    return value


def calendar_source(value: str) -> str:
    """A file path or a feed address the feed module accepts (no fetch: that is sync's)."""
    from tracker.calendar import feed

    if value and feed.is_url(value):
        try:
            feed.feed_url(value)
        except InputError:
            raise ValueError(
                "an https:// or webcal:// feed address, an .ics file path, or empty for none"
            ) from None
    return value


def _groups(value: str) -> int | None:
    """The groups of a regular expression, or None when it is not one."""
    try:
        return re.compile(value).groups
    except re.error:
        return None


def regular_expression(value: str) -> str:
    if value and _groups(value) is None:
        raise ValueError(
            "a regular expression (Python syntax), e.g. session|intake, or empty for every title"
        )
    return value


def client_ref_pattern(value: str) -> str:
    if value and _groups(value) != 1:
        raise ValueError(
            r"a regular expression with exactly one group in parentheses, e.g. ^(C-\d+), "
            "or empty for none"
        )
    return value


def apprise_urls(value: list[str]) -> list[str]:
    if any("://" not in url for url in value):
        raise ValueError("apprise URLs like ntfy://topic or json://host:port/path")
    return value


def at_least_one(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("a comma-separated list of at least one note type, e.g. progress")
    return value


LATE_FIELDS = ("written", "session", "session_time")
MAX_LATE_TEXT = 300
# What str.format reads in a late-entry text: escaped braces, a bare field, or any other brace
# (a field with a format spec, a conversion, an index or no name).
_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)\}|[{}]")


def notation_wording(value: str) -> str:
    """A late-entry notation's wording: str.format fills it, so only its own fields may be in
    braces, and it must say what it is."""
    fields = {
        m.group(1) if m.group(1) in LATE_FIELDS else "?"
        for m in _FIELD.finditer(value)
        if m.group(0) not in ("{{", "}}")
    }
    if (
        len(value) > MAX_LATE_TEXT
        or "?" in fields
        or not {"written", "session"} <= fields
        or "late entry" not in value.lower()
    ):
        raise ValueError(
            f'text of up to {MAX_LATE_TEXT} characters that says "late entry" and has the fields '
            "{written} and {session} ({session_time} too if you like), with no other braces "
            "or formats"
        )
    return value


def reason_line(value: str) -> str:
    problem = settings.check_reason(value)
    if problem:
        raise ValueError(problem)
    return value


# -- checking --------------------------------------------------------------------------------


_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _hints(record: type) -> dict[str, Any]:
    """A record's annotations as objects: written as text (PEP 563), they name the markers and
    checks above, and pydantic's AfterValidator, found here."""
    names = {**globals(), "AfterValidator": AfterValidator}
    return get_type_hints(record, globalns=vars(settings), localns=names, include_extras=True)


def _model_of(record: type[Any], name: str) -> type[BaseModel]:
    """The pydantic model that checks `record`'s fields, with the record's defaults."""
    sections = {n: _model_of(r, n) for n, r in SECTIONS.items()} if record is Settings else {}
    fields: dict[str, Any] = {
        field: (sections[field], Field(default_factory=sections[field]))
        if field in sections
        else (hint, record._field_defaults[field])
        for field, hint in _hints(record).items()
    }
    model: type[BaseModel] = create_model(name, __config__=_CONFIG, **fields)
    return model


_MODEL = _model_of(Settings, "Settings")


def _record(model: BaseModel) -> Settings:
    return settings.from_tables(
        {name: dict(value) if isinstance(value, BaseModel) else value for name, value in model}
    )


@cache
def _words() -> dict[str, str]:
    """What each key must be, in words, from its annotation."""
    out = {}
    for prefix, record in [("", Settings), *((f"{n}.", r) for n, r in SECTIONS.items())]:
        for name, hint in _hints(record).items():
            if prefix == "" and name in SECTIONS:
                continue
            marked = [m for m in getattr(hint, "__metadata__", ()) if hasattr(m, "words")]
            base = getattr(hint, "__origin__", hint)
            out[prefix + name] = (
                marked[0].words if marked else "true or false" if base is bool else "text"
            )
    return out


@cache
def _docs() -> dict[str, str]:
    """Each key's one-line doc: the docstring under its field in `tracker.settings`."""
    section_of = {record.__name__: f"{name}." for name, record in SECTIONS.items()}
    section_of[Settings.__name__] = ""
    docs = {}
    for node in ast.parse(inspect.getsource(settings)).body:
        if isinstance(node, ast.ClassDef) and node.name in section_of:
            for field, doc in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(field, ast.AnnAssign)
                    and isinstance(field.target, ast.Name)
                    and isinstance(doc, ast.Expr)
                    and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str)
                ):
                    docs[section_of[node.name] + field.target.id] = doc.value.value
    return docs


def describe(key: str) -> str:
    """The one-line doc of a setting."""
    settings.get_value(settings.DEFAULTS, key)  # an unknown key: said as such
    return _docs()[key]


def _key(loc: tuple[int | str, ...]) -> str:
    head = str(loc[0]) if loc else ""
    return f"{head}.{loc[1]}" if head in SECTIONS and len(loc) > 1 else head


def _said(exc: ValidationError, given: Mapping[str, Any]) -> tuple[str, str]:
    """(the key, what is wrong in words) for the first problem pydantic found in `given`."""
    error = exc.errors()[0]
    key = _key(tuple(error["loc"]))
    raw: Any = given
    for part in key.split("."):
        raw = raw.get(part) if isinstance(raw, Mapping) else None
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return key, f"unknown setting {key!r}; valid keys: {', '.join(settings.all_keys())}"
    if key in SECTIONS:
        return key, f"{key} must be a table [{key}] of its settings, got {raw!r}"
    # one of the checks above says it in its own words
    must = said(error) if error["type"] == "value_error" else _words()[key]
    return key, f"{key} must be {must}, got {raw!r}"


def validate(tables: Mapping[str, Any], source: str | None = None) -> Settings:
    """Settings from parsed TOML tables, every key and value checked; InputError naming the
    first problem (and `source`, the file, when given)."""
    try:
        return _record(_MODEL.model_validate(tables, context={"typed": False}))
    except ValidationError as exc:
        key, problem = _said(exc, tables)
        if source is None:
            raise InputError(problem) from None
        fix = "" if key in SECTIONS else f" or run `caughtup config {key} VALUE`"
        raise InputError(f"{source}: {problem}; fix the file{fix}") from None


class SettingError(InputError):
    """A bad value for the setting `key`."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


def set_values(current: Settings, values: Mapping[str, Any], *, typed: bool = True) -> Settings:
    """`current` with each dotted key set from its raw value (text, or a value from a file), all
    checked at once; SettingError naming the first bad one.

    `typed`: the user typed them, so a country is looked up (see `country`)."""
    given: dict[str, Any] = {}
    for key, raw in values.items():
        try:
            settings.get_value(current, key)  # an unknown key: said before anything else
        except InputError as exc:
            raise SettingError(key, str(exc)) from None
        section, _, name = key.rpartition(".")
        given.setdefault(section, {})[name] = raw
    top = given.pop("", {})
    try:
        checked = _record(_MODEL.model_validate({**top, **given}, context={"typed": typed}))
    except ValidationError as exc:
        raise SettingError(*_said(exc, {**top, **given})) from None
    for key in values:
        current = settings.replaced(current, key, settings.get_value(checked, key))
    return current


def text_of(value: Settings) -> str:
    """The settings.toml text of `value`, checked first: only settings that pass are written."""
    import tomli_w  # small

    return tomli_w.dumps(settings.to_dict(validate(settings.to_dict(value))))


def checked(home: Path, text: str, path: Path) -> Settings:
    """The settings in a text not checked before (a hand edit, an older caughtup's file).

    Remembered as checked only when it reads as it is written: a value the checks had to mend
    ("Mon" for mon, "6" for 6) is mended on every read, until `config` writes the file anew.
    """
    tables = settings.toml_tables(text, path)
    result = validate(tables, str(path))
    # repr, not ==: 1 == True, and a file saying 1 for true is not read as it is written
    if repr(settings.from_tables(tables)) == repr(result):
        settings.mark_checked(home, text)
    with contextlib.suppress(OSError):
        (home / LEGACY_CACHE_NAME).unlink(missing_ok=True)  # it held the notification URLs
    return result
