"""The user's settings: typed records stored as TOML in the data folder.

NamedTuples rather than pydantic or dataclasses so that reading them stays on the fast path
(`caughtup status` pays neither import; see models). Every setting has a dotted key in `KEYS` with
a one-line doc and its bounds; its type is its default's. `set_value` parses and checks a value
given as text (the `config` command) and returns new settings.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tracker.errors import InputError
from tracker.files import warn_once
from tracker.paths import SETTINGS_CACHE_NAME, SETTINGS_NAME, ensure_dir, write_private

LOCK_NAME = ".settings.toml.lock"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOTE_TYPES = ("progress", "intake", "treatment_plan", "case_note", "court_report", "group", "admin")
BLOCKERS = ("result", "referral", "coding_query", "doc_gap", "other")
# A coding query is the clinician's own to answer (the open-chart table of the primary-care
# article): a note blocked on one still counts as outstanding. The rest wait on others.
OWN_BLOCKERS = ("coding_query",)
WITHIN_TIER = ("payer_window", "recent", "oldest")
STRATEGIES = ("risk", "recent")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# Lists and tables are typed Sequence and Mapping: a default is one object that every Settings
# shares, so nothing may change one in place (mypy holds to it); `set_value` makes new ones.


class Rules(NamedTuple):
    """The guardrails' numbers."""

    threshold: int = 5
    rule_hours: int = 24
    late_entry_hours: int = 72
    escalation_days: int = 7
    payer_window_days: int = 0
    payer_window_by_type: Mapping[str, int] = {}
    within_tier: str = "payer_window"
    late_entry_text: str = (
        "LATE ENTRY: this note was written on {written} for the session of {session}."
    )
    late_entry_reason: str = "Documentation delayed due to caseload volume"
    note_types: Sequence[str] = list(NOTE_TYPES)


class Notify(NamedTuple):
    """Push notifications."""

    urls: Sequence[str] = []
    quiet_hours: str = "19:00-08:00"
    weekends: bool = False


class Sprint(NamedTuple):
    """Catch-up blocks."""

    days: Sequence[str] = ["tue", "thu"]
    start: str = "16:00"
    block_minutes: int = 90
    notes_per_block: int = 0
    minutes_per_type: Mapping[str, int] = {
        "progress": 9,
        "case_note": 9,
        "group": 9,
        "intake": 20,
        "treatment_plan": 20,
        "court_report": 45,
        "admin": 5,
    }
    strategy: str = "risk"


class Backups(NamedTuple):
    """Copies of the database in the data folder's backups/."""

    keep_last: int = 10
    keep_weeks: int = 8


class Settings(NamedTuple):
    """Everything the user can set; defaults from DESIGN.md."""

    timezone: str = ""
    locale: str = "other"
    first_weekday: str = "mon"
    working_days: Sequence[str] = ["mon", "tue", "wed", "thu", "fri"]
    theme: str = "textual-dark"
    onboarded: bool = False
    private_print: bool = False
    rules: Rules = Rules()
    notify: Notify = Notify()
    sprint: Sprint = Sprint()
    backups: Backups = Backups()


SECTIONS = ("rules", "notify", "sprint", "backups")


def _check_hhmm(value: str) -> str | None:
    return None if _HHMM.match(value) else "a time as HH:MM, e.g. 16:00"


def _check_quiet(value: str) -> str | None:
    parts = value.split("-")
    if value == "" or (len(parts) == 2 and all(_HHMM.match(p) for p in parts)):
        return None
    return "a range HH:MM-HH:MM, e.g. 19:00-08:00, or empty for none"


def _check_timezone(value: str) -> str | None:
    if value == "":
        return None
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        return (
            "an IANA time zone such as Europe/Dublin or America/Chicago, or empty for the system's"
        )
    return None


def _check_urls(value: list[str]) -> str | None:
    bad = [u for u in value if "://" not in u]
    return "apprise URLs like ntfy://topic or json://host:port/path" if bad else None


LATE_FIELDS = ("written", "session", "session_time")
MAX_LATE_TEXT = 300
MAX_LATE_REASON = 200
# What str.format reads in a late-entry text: escaped braces, a bare field, or any other brace
# (a field with a format spec, a conversion, an index or no name). Parsed here rather than with
# string.Formatter: `string` costs status 1 ms of its 60, and settings are checked on every run.
_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)\}|[{}]")


def _check_template(value: str) -> str | None:
    fields = set()
    for match in _FIELD.finditer(value):
        if match.group(0) in ("{{", "}}"):
            continue
        if match.group(1) not in LATE_FIELDS:
            fields.add("?")
        else:
            fields.add(match.group(1))
    if (
        len(value) > MAX_LATE_TEXT
        or "?" in fields
        or not {"written", "session"} <= fields
        or "late entry" not in value.lower()
    ):
        return (
            f'text of up to {MAX_LATE_TEXT} characters that says "late entry" and has the fields '
            "{written} and {session} ({session_time} too if you like), with no other braces "
            "or formats"
        )
    return None


def check_reason(value: str) -> str | None:
    """What a late-entry reason must be, when `value` is not; None when fine."""
    if len(value) > MAX_LATE_REASON or not value.isprintable():
        return f"one line of up to {MAX_LATE_REASON} printable characters, or empty for none"
    return None


def _check_note_types(value: list[str]) -> str | None:
    return None if value else "a comma-separated list of at least one note type, e.g. progress"


def _lookup_country(value: str) -> tuple[str | None, str]:
    from tracker import crisis  # the crisis data (and pydantic): only when a country is typed

    table = crisis.table()
    return table.canonical(value), (
        f"a country code from the crisis data ({', '.join(table.choices())}); "
        "`caughtup crisis --list` names them"
    )


class Key(NamedTuple):
    """One setting's doc and the bounds `config` checks: numbers from lo to hi, one of `choices`,
    a list of `each`, or what `check` says (None when fine)."""

    doc: str
    lo: int = 0
    hi: int = 0
    choices: tuple[str, ...] = ()
    each: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None
    secret: bool = False
    lookup: Callable[[str], tuple[str | None, str]] | None = None
    """For a value the user types: (its canonical form or None, the valid choices in words).
    Not asked when a settings file is read, so reading stays light and an old file that names
    a value no longer known still opens (the crisis country then reads as `other`)."""


KEYS: dict[str, Key] = {
    "timezone": Key(
        "IANA time zone for dates and due times (empty: the system's).", check=_check_timezone
    ),
    "locale": Key(
        "Country for crisis resources (an ISO code such as GB or DE, or other).",
        lookup=_lookup_country,
    ),
    "first_weekday": Key("First day of a week in charts.", choices=WEEKDAYS),
    "working_days": Key("Days you see clients.", each=WEEKDAYS),
    "theme": Key("TUI theme, e.g. textual-dark or textual-light."),
    "onboarded": Key("Whether first-run onboarding is done."),
    "private_print": Key(
        "Print self-check summaries without the safety answers by default (`selfcheck --private`)."
    ),
    "rules.threshold": Key("Outstanding notes that mean 'catch up now'.", lo=1, hi=100),
    "rules.rule_hours": Key("Hours after a session by which its note is due.", lo=1, hi=336),
    "rules.late_entry_hours": Key(
        "Hours after a session past which a note is a late entry.", lo=1, hi=2160
    ),
    "rules.escalation_days": Key(
        "Days an item may wait on someone else before 'chase it'.", lo=1, hi=365
    ),
    "rules.payer_window_days": Key(
        "Days a payer allows to document a billed session (0: none).", lo=0, hi=365
    ),
    "rules.payer_window_by_type": Key(
        "Payer window per note type, overriding the global one, e.g. progress=45.", lo=0, hi=365
    ),
    "rules.within_tier": Key(
        "Order inside a triage tier: nearest payer window, then most recent; or recent; or oldest.",
        choices=WITHIN_TIER,
    ),
    "rules.late_entry_text": Key(
        'Wording of the late-entry notation: says "late entry", with {written} and {session} '
        "(and optionally {session_time}).",
        check=_check_template,
    ),
    "rules.late_entry_reason": Key(
        "Reason a late-entry notation gives unless you give another (empty: none).",
        check=check_reason,
    ),
    "rules.note_types": Key("Note types you use; add your own.", check=_check_note_types),
    "notify.urls": Key(
        "Apprise URLs to notify (secrets: shown masked).", check=_check_urls, secret=True
    ),
    "notify.quiet_hours": Key("No notifications in this range (HH:MM-HH:MM).", check=_check_quiet),
    "notify.weekends": Key("Also notify on Saturday and Sunday."),
    "sprint.days": Key("Weekdays of catch-up blocks.", each=WEEKDAYS),
    "sprint.start": Key("Start time of a catch-up block (HH:MM).", check=_check_hhmm),
    "sprint.block_minutes": Key("Length of a catch-up block in minutes.", lo=15, hi=480),
    "sprint.notes_per_block": Key(
        "Fixed notes per block, overriding minutes per type (0: use minutes).", lo=0, hi=50
    ),
    "sprint.minutes_per_type": Key("Catch-up minutes per note type.", lo=1, hi=240),
    "sprint.strategy": Key(
        "Catch-up order: risk (triage order) or recent (most recent first).", choices=STRATEGIES
    ),
    "backups.keep_last": Key("Backups of each kind kept, newest first.", lo=1, hi=1000),
    "backups.keep_weeks": Key(
        "Weeks back for which the newest backup of each week is also kept.", lo=0, hi=520
    ),
}
DEFAULTS = Settings()


def _key(key: str) -> Key:
    """The setting `key` names; InputError if there is none."""
    try:
        return KEYS[key]
    except KeyError:
        raise InputError(f"unknown setting {key!r}; valid keys: {', '.join(KEYS)}") from None


def all_keys() -> list[str]:
    """Every dotted setting key."""
    return list(KEYS)


def describe(key: str) -> str:
    """The one-line doc of a setting."""
    return _key(key).doc


def mask(url: str) -> str:
    """Show an apprise URL's scheme only: the rest may hold tokens."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{'•' * 6}{rest[-3:] if len(rest) > 8 else ''}"


def is_secret(key: str) -> bool:
    return _key(key).secret


def as_text(value: Any) -> str:
    """A setting as `caughtup config KEY VALUE` takes it (lists and pairs comma-separated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def get_value(settings: Settings, key: str) -> Any:
    _key(key)
    obj: Any = settings
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _fix(k: Key, default: Any) -> str:
    if k.choices:
        return f"one of {', '.join(k.choices)}"
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return f"a whole number from {k.lo} to {k.hi}"
    if k.each:
        return f"a comma-separated list of {', '.join(k.each)}"
    if isinstance(default, Mapping):
        return f"pairs like progress=9,intake=20 with numbers from {k.lo} to {k.hi}"
    return "text"


def _coerce(key: str, raw: Any, loading: bool = False) -> Any:
    """Turn `raw` (text from the CLI, or a TOML value) into the setting's type, or InputError.

    `loading`: the value comes from the settings file, so `Key.lookup` is not asked."""
    k, default = _key(key), get_value(DEFAULTS, key)
    bad = InputError(f"{key} must be {_fix(k, default)}, got {raw!r}")
    value: Any
    if isinstance(default, bool):
        if isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.lower() in (
            "true",
            "yes",
            "on",
            "1",
            "false",
            "no",
            "off",
            "0",
        ):
            value = raw.lower() in ("true", "yes", "on", "1")
        else:
            raise bad
    elif isinstance(default, int):
        if isinstance(raw, bool):
            raise bad
        try:
            value = int(raw) if isinstance(raw, int) else int(str(raw).strip())
        except ValueError:
            raise bad from None
        if not k.lo <= value <= k.hi:
            raise bad
    elif isinstance(default, list):
        if isinstance(raw, str):
            value = [p.strip() for p in raw.split(",") if p.strip()]
        elif isinstance(raw, list) and all(isinstance(p, str) for p in raw):
            value = list(raw)
        else:
            raise bad
        if k.each:
            value = [v.lower() for v in value]
            if any(v not in k.each for v in value):
                raise bad
    elif isinstance(default, dict):
        pairs: dict[str, Any]
        if isinstance(raw, str):
            pairs = {}
            for chunk in filter(None, (c.strip() for c in raw.split(","))):
                name, sep, num = chunk.partition("=")
                if not sep:
                    raise bad
                pairs[name.strip()] = num.strip()
        elif isinstance(raw, dict):
            pairs = raw
        else:
            raise bad
        value = {}
        for name, num in pairs.items():
            try:
                n = int(num) if not isinstance(num, bool) else None
            except (TypeError, ValueError):
                n = None
            if n is None or not k.lo <= n <= k.hi or not name:
                raise bad
            value[name] = n
    else:
        if not isinstance(raw, str):
            raise bad
        value = raw.strip()
        if k.choices:
            match = [c for c in k.choices if c.lower() == value.lower()]
            if not match:
                raise bad
            value = match[0]
        if k.lookup is not None and not loading:
            known, choices = k.lookup(value)
            if known is None:
                raise InputError(f"{key} must be {choices}, got {raw!r}")
            value = known
    if k.check is not None:
        problem = k.check(value)
        if problem:
            raise InputError(f"{key} must be {problem}, got {raw!r}")
    return value


def set_value(settings: Settings, key: str, raw: Any, *, loading: bool = False) -> Settings:
    """`settings` with `key` set from `raw` (text or TOML value); InputError if bad.

    `loading`: read from the settings file (see `Key.lookup`)."""
    value = _coerce(key, raw, loading)
    section, _, name = key.rpartition(".")
    if section:
        return settings._replace(**{section: getattr(settings, section)._replace(**{name: value})})
    return settings._replace(**{name: value})


def from_dict(data: dict[str, Any], source: str = "settings") -> Settings:
    """Settings from a parsed TOML mapping; every key and value checked."""
    settings = DEFAULTS
    for key, raw in data.items():
        if isinstance(raw, dict) and key in SECTIONS:
            for sub, subraw in raw.items():
                settings = _set_from(settings, f"{key}.{sub}", subraw, source)
        else:
            settings = _set_from(settings, key, raw, source)
    return settings


def _set_from(settings: Settings, key: str, raw: Any, source: str) -> Settings:
    try:
        return set_value(settings, key, raw, loading=True)
    except InputError as exc:
        raise InputError(
            f"{source}: {exc}; fix the file or run `caughtup config {key} VALUE`"
        ) from None


def to_dict(settings: Settings) -> dict[str, Any]:
    """Settings as plain tables, as settings.toml holds them."""
    return {
        **settings._asdict(),
        **{name: getattr(settings, name)._asdict() for name in SECTIONS},
    }


def settings_path(home: Path) -> Path:
    return home / SETTINGS_NAME


def load(home: Path) -> Settings:
    """Read settings.toml from `home` (defaults when absent); InputError naming the problem."""
    path = settings_path(home)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        # no parse outlives its file: it may hold notification URLs the user meant to delete
        with contextlib.suppress(OSError):
            path.with_name(SETTINGS_CACHE_NAME).unlink(missing_ok=True)
        return DEFAULTS
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if os.stat(path).st_mode & 0o077:
        warn_once(f"{path} is readable by other users; run chmod 600 {path}")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a BOM, as Windows editors save
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    # The last good parse is kept beside the file as JSON, with the text it came from: importing
    # tomllib would cost `status` 7 ms of its 60, for a file that rarely changes. The text must
    # match to the character, so an edit is always read.
    import json  # status prints JSON anyway; much lighter than tomllib

    kept = path.with_name(SETTINGS_CACHE_NAME)
    try:
        last = json.loads(kept.read_bytes())
        tables = last["tables"] if last["toml"] == text else None
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        tables = None  # none kept yet, or damaged: parse
    if isinstance(tables, dict):
        return from_dict(tables, str(path))
    import tomllib

    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    except RecursionError:
        raise InputError(
            f"{path} nests tables or lists too deeply to be caughtup's settings; fix or delete "
            "the file"
        ) from None
    settings = from_dict(tables, str(path))
    # Not kept from a read-only folder, or with dates and times (no setting is one): parsed again.
    with contextlib.suppress(OSError, TypeError, ValueError):
        write_private(kept, json.dumps({"toml": text, "tables": tables}).encode("utf-8"))
    return settings


def save(home: Path, settings: Settings) -> Path:
    """Write settings.toml atomically, owner-only, replacing every setting (see `update`)."""
    with _locked(home):
        return _write(home, settings)


def _write(home: Path, settings: Settings) -> Path:
    import tomli_w  # small; only on the write path

    path = settings_path(home)
    write_private(path, tomli_w.dumps(to_dict(settings)).encode("utf-8"))
    return path


Stamp = tuple[int, int, int]
"""What changes when settings.toml is written: its inode, size and modification time."""


def stamp(home: Path) -> Stamp | None:
    """The settings file's stamp (None when there is no file): compare two to see a change."""
    try:
        st = os.stat(settings_path(home))
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def update(home: Path, change: Callable[[Settings], Settings]) -> tuple[Settings, Stamp | None]:
    """Apply `change` to the settings as the file holds them now, under the settings lock.

    Two processes changing settings at once (the app, `caughtup config`) each change their own
    key on the newest file instead of writing back a copy read earlier. Returns the new
    settings and the file's stamp as this write left it.
    """
    with _locked(home):
        current = load(home)
        new = change(current)
        if new != current:
            _write(home, new)
        return new, stamp(home)


def changed_keys(old: Settings, new: Settings) -> dict[str, Any]:
    """Every setting `new` has differently from `old`, by dotted key."""
    return {k: get_value(new, k) for k in KEYS if get_value(new, k) != get_value(old, k)}


def with_values(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """`settings` with each dotted key set (InputError for a bad one)."""
    for key, value in values.items():
        settings = set_value(settings, key, value)
    return settings


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold the settings lock: a lock file beside settings.toml, flock'ed (threads included)."""
    import fcntl

    ensure_dir(home)
    fd = os.open(home / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # settings writes take milliseconds: wait, never fail
        yield
    finally:
        os.close(fd)  # releases the lock
