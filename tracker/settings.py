"""The user's settings: one typed model stored as TOML in the data folder.

Plain dataclasses rather than pydantic so that reading them stays on the fast path
(`caughtup status` must not pay pydantic's import). Every field has a one-line doc and its
bounds in `metadata`; `set_value` parses and checks a value given as text (the `config` command).
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.paths import SETTINGS_NAME, ensure_dir, write_private

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOTE_TYPES = ("progress", "intake", "treatment_plan", "case_note", "court_report", "group", "admin")
BLOCKERS = ("result", "referral", "coding_query", "doc_gap", "other")
LOCALES = ("US", "CA", "UK", "IE", "AU", "DE")
WITHIN_TIER = ("payer_window", "recent", "oldest")
STRATEGIES = ("risk", "recent")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _meta(doc: str, **bounds: Any) -> dict[str, Any]:
    return {"doc": doc, **bounds}


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


def _check_template(value: str) -> str | None:
    try:
        value.format(written="W", session="S", session_time="T")
    except (KeyError, IndexError, ValueError):
        return "text using only {written}, {session} and {session_time} placeholders"
    return None


@dataclass
class Rules:
    """The guardrails' numbers."""

    threshold: int = field(
        default=5, metadata=_meta("Outstanding notes that mean 'catch up now'.", lo=1, hi=100)
    )
    rule_hours: int = field(
        default=24, metadata=_meta("Hours after a session by which its note is due.", lo=1, hi=336)
    )
    late_entry_hours: int = field(
        default=72,
        metadata=_meta("Hours after a session past which a note is a late entry.", lo=1, hi=2160),
    )
    escalation_days: int = field(
        default=7,
        metadata=_meta("Days an item may wait on someone else before 'chase it'.", lo=1, hi=365),
    )
    payer_window_days: int = field(
        default=0,
        metadata=_meta("Days a payer allows to document a billed session (0: none).", lo=0, hi=365),
    )
    payer_window_by_type: dict[str, int] = field(
        default_factory=dict,
        metadata=_meta(
            "Payer window per note type, overriding the global one, e.g. progress=45.", lo=0, hi=365
        ),
    )
    within_tier: str = field(
        default="payer_window",
        metadata=_meta(
            "Order inside a triage tier: nearest payer window, then most recent; or recent; or oldest.",
            choices=WITHIN_TIER,
        ),
    )
    late_entry_text: str = field(
        default="LATE ENTRY: this note was written on {written} for the session of {session}.",
        metadata=_meta(
            "Wording of the late-entry notation; {written}, {session}, {session_time}.",
            check=_check_template,
        ),
    )
    note_types: list[str] = field(
        default_factory=lambda: list(NOTE_TYPES),
        metadata=_meta("Note types you use; add your own."),
    )


@dataclass
class Notify:
    """Push notifications."""

    urls: list[str] = field(
        default_factory=list,
        metadata=_meta(
            "Apprise URLs to notify (secrets: shown masked).", check=_check_urls, secret=True
        ),
    )
    quiet_hours: str = field(
        default="19:00-08:00",
        metadata=_meta("No notifications in this range (HH:MM-HH:MM).", check=_check_quiet),
    )
    weekends: bool = field(default=False, metadata=_meta("Also notify on Saturday and Sunday."))


@dataclass
class Sprint:
    """Catch-up blocks."""

    days: list[str] = field(
        default_factory=lambda: ["tue", "thu"],
        metadata=_meta("Weekdays of catch-up blocks.", each=WEEKDAYS),
    )
    start: str = field(
        default="16:00",
        metadata=_meta("Start time of a catch-up block (HH:MM).", check=_check_hhmm),
    )
    block_minutes: int = field(
        default=90, metadata=_meta("Length of a catch-up block in minutes.", lo=15, hi=480)
    )
    notes_per_block: int = field(
        default=0,
        metadata=_meta(
            "Fixed notes per block, overriding minutes per type (0: use minutes).", lo=0, hi=50
        ),
    )
    minutes_per_type: dict[str, int] = field(
        default_factory=lambda: {
            "progress": 9,
            "case_note": 9,
            "group": 9,
            "intake": 20,
            "treatment_plan": 20,
            "court_report": 45,
            "admin": 5,
        },
        metadata=_meta("Catch-up minutes per note type.", lo=1, hi=240),
    )
    strategy: str = field(
        default="risk",
        metadata=_meta(
            "Catch-up order: risk (triage order) or recent (most recent first).",
            choices=STRATEGIES,
        ),
    )


@dataclass
class Settings:
    """Everything the user can set; defaults from DESIGN.md."""

    timezone: str = field(
        default="",
        metadata=_meta(
            "IANA time zone for dates and due times (empty: the system's).", check=_check_timezone
        ),
    )
    locale: str = field(
        default="US", metadata=_meta("Country for crisis resources.", choices=LOCALES)
    )
    first_weekday: str = field(
        default="mon", metadata=_meta("First day of a week in charts.", choices=WEEKDAYS)
    )
    working_days: list[str] = field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        metadata=_meta("Days you see clients.", each=WEEKDAYS),
    )
    theme: str = field(
        default="textual-dark", metadata=_meta("TUI theme, e.g. textual-dark or textual-light.")
    )
    onboarded: bool = field(default=False, metadata=_meta("Whether first-run onboarding is done."))
    rules: Rules = field(default_factory=Rules)
    notify: Notify = field(default_factory=Notify)
    sprint: Sprint = field(default_factory=Sprint)


SECTIONS: dict[str, type] = {"rules": Rules, "notify": Notify, "sprint": Sprint}


def _field(key: str) -> tuple[Any, dataclasses.Field[Any], str]:
    """(owner instance class, field, attribute name) for a dotted key; InputError if unknown."""
    parts = key.split(".")
    if len(parts) == 1:
        owner: type = Settings
    elif len(parts) == 2 and parts[0] in SECTIONS:
        owner = SECTIONS[parts[0]]
    else:
        raise InputError(f"unknown setting {key!r}; valid keys: {', '.join(all_keys())}")
    for f in dataclasses.fields(owner):
        if f.name == parts[-1] and f.metadata:
            return owner, f, parts[-1]
    raise InputError(f"unknown setting {key!r}; valid keys: {', '.join(all_keys())}")


def all_keys() -> list[str]:
    """Every dotted setting key."""
    keys = [f.name for f in dataclasses.fields(Settings) if f.metadata]
    for name, cls in SECTIONS.items():
        keys += [f"{name}.{f.name}" for f in dataclasses.fields(cls)]
    return keys


def describe(key: str) -> str:
    """The one-line doc of a setting."""
    return str(_field(key)[1].metadata["doc"])


def mask(url: str) -> str:
    """Show an apprise URL's scheme only: the rest may hold tokens."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{'•' * 6}{rest[-3:] if len(rest) > 8 else ''}"


def is_secret(key: str) -> bool:
    return bool(_field(key)[1].metadata.get("secret"))


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
    _field(key)
    obj: Any = settings
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def _fix(key: str, f: dataclasses.Field[Any]) -> str:
    m = f.metadata
    if "choices" in m:
        return f"one of {', '.join(m['choices'])}"
    if f.type in ("int", int):
        return f"a whole number from {m['lo']} to {m['hi']}"
    if f.type in ("bool", bool):
        return "true or false"
    if "each" in m:
        return f"a comma-separated list of {', '.join(m['each'])}"
    if "dict" in str(f.type):
        return f"pairs like progress=9,intake=20 with numbers from {m['lo']} to {m['hi']}"
    return "text"


def _coerce(key: str, f: dataclasses.Field[Any], raw: Any) -> Any:
    """Turn `raw` (text from the CLI, or a TOML value) into the field's type, or InputError."""
    m = f.metadata
    ftype = str(f.type)
    bad = InputError(f"{key} must be {_fix(key, f)}, got {raw!r}")
    value: Any
    if ftype == "bool":
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
    elif ftype == "int":
        if isinstance(raw, bool):
            raise bad
        try:
            value = int(raw) if isinstance(raw, int) else int(str(raw).strip())
        except ValueError:
            raise bad from None
        if not m["lo"] <= value <= m["hi"]:
            raise bad
    elif ftype == "list[str]":
        if isinstance(raw, str):
            value = [p.strip() for p in raw.split(",") if p.strip()]
        elif isinstance(raw, list) and all(isinstance(p, str) for p in raw):
            value = list(raw)
        else:
            raise bad
        if "each" in m:
            value = [v.lower() for v in value]
            if any(v not in m["each"] for v in value):
                raise bad
    elif ftype == "dict[str, int]":
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
            if n is None or not m["lo"] <= n <= m["hi"] or not name:
                raise bad
            value[name] = n
    else:
        if not isinstance(raw, str):
            raise bad
        value = raw.strip()
        if "choices" in m:
            match = [c for c in m["choices"] if c.lower() == value.lower()]
            if not match:
                raise bad
            value = match[0]
    check = m.get("check")
    if check is not None:
        problem = check(value)
        if problem:
            raise InputError(f"{key} must be {problem}, got {raw!r}")
    return value


def set_value(settings: Settings, key: str, raw: Any) -> Settings:
    """A copy of `settings` with `key` set from `raw` (text or TOML value); InputError if bad."""
    new = dataclasses.replace(settings)
    section, _, _ = key.rpartition(".")
    if section in SECTIONS:
        setattr(new, section, dataclasses.replace(getattr(settings, section)))
    _assign(new, key, raw)
    return new


def _assign(settings: Settings, key: str, raw: Any) -> None:
    """Set `key` of `settings` in place from `raw`; InputError if bad."""
    _, f, name = _field(key)
    value = _coerce(key, f, raw)
    section, _, _ = key.rpartition(".")
    setattr(getattr(settings, section) if section else settings, name, value)


def from_dict(data: dict[str, Any], source: str = "settings") -> Settings:
    """Settings from a parsed TOML mapping; every key and value checked."""
    settings = Settings()  # new and ours alone: filled in place
    for key, raw in data.items():
        if isinstance(raw, dict) and key in SECTIONS:
            for sub, subraw in raw.items():
                _assign_from(settings, f"{key}.{sub}", subraw, source)
        else:
            _assign_from(settings, key, raw, source)
    return settings


def _assign_from(settings: Settings, key: str, raw: Any, source: str) -> None:
    try:
        _assign(settings, key, raw)
    except InputError as exc:
        raise InputError(
            f"{source}: {exc}; fix the file or run `caughtup config {key} VALUE`"
        ) from None


def to_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)


def settings_path(home: Path) -> Path:
    return home / SETTINGS_NAME


def load(home: Path) -> Settings:
    """Read settings.toml from `home` (defaults when absent); InputError naming the problem."""
    path = settings_path(home)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if os.stat(path).st_mode & 0o077:
        print(
            f"caughtup: warning: {path} is readable by other users; run chmod 600 {path}",
            file=sys.stderr,
        )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    return from_dict(data, str(path))


def save(home: Path, settings: Settings) -> Path:
    """Write settings.toml atomically, owner-only."""
    import tomli_w  # small; only on the write path

    ensure_dir(home)
    path = settings_path(home)
    write_private(path, tomli_w.dumps(to_dict(settings)).encode("utf-8"))
    return path
