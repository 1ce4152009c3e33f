"""The user's settings: light typed records, stored as TOML in the data folder.

NamedTuples, not pydantic models, so that reading them stays on the fast path (`caughtup status`
imports no pydantic; see models). Each field's annotation says what it may hold, in pydantic's
terms, and is read only by `tracker.settings_check` (with `from __future__ import annotations`
nothing evaluates it here); the docstring under it is its one-line doc.

A settings text is checked by pydantic whenever it is written, and whenever it is read and it
is not the text that passed last: a fingerprint beside settings.toml names that text, so the
read a shell prompt repeats all day trusts it without pydantic.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from tracker.errors import InputError
from tracker.files import warn_once
from tracker.paths import SETTINGS_CHECKED_NAME, SETTINGS_NAME, ensure_dir, write_private

if TYPE_CHECKING:
    from pydantic import AfterValidator

    from tracker.settings_check import (
        ListOf,
        OneOf,
        Pairs,
        TextPairs,
        Whole,
        apprise_urls,
        at_least_one,
        calendar_source,
        client_ref_pattern,
        clock_time,
        country,
        notation_wording,
        quiet_range,
        reason_line,
        regular_expression,
        time_zone,
        work_range,
    )

LOCK_NAME = ".settings.toml.lock"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NOTE_TYPES = ("progress", "intake", "treatment_plan", "case_note", "court_report", "group", "admin")
BLOCKERS = ("result", "referral", "coding_query", "doc_gap", "other")
# A coding query is the clinician's own to answer (the open-chart table of the primary-care
# article): a note blocked on one still counts as outstanding. The rest wait on others.
OWN_BLOCKERS = ("coding_query",)
WITHIN_TIER = ("payer_window", "recent", "oldest")
STRATEGIES = ("risk", "recent")
PAGE_SIZES = ("auto", "letter", "a4")

# Lists and tables are typed Sequence and Mapping: a default is one object that every Settings
# shares, so nothing may change one in place (mypy holds to it); `set_value` makes new ones.


class Rules(NamedTuple):
    """The guardrails' numbers."""

    threshold: Annotated[int, Whole(1, 100)] = 5
    """Outstanding notes that mean 'catch up now'."""
    rule_hours: Annotated[int, Whole(1, 336)] = 24
    """Hours after a session by which its note is due."""
    late_entry_hours: Annotated[int, Whole(1, 2160)] = 72
    """Hours after a session past which a note is a late entry."""
    escalation_days: Annotated[int, Whole(1, 365)] = 7
    """Days an item may wait on someone else before 'chase it'."""
    payer_window_days: Annotated[int, Whole(0, 365)] = 0
    """Days a payer allows to document a billed session (0: none)."""
    payer_window_by_type: Annotated[Mapping[str, int], Pairs(0, 365)] = {}
    """Payer window per note type, overriding the global one, e.g. progress=45."""
    within_tier: Annotated[str, OneOf(WITHIN_TIER)] = "payer_window"
    """Order inside a triage tier: nearest payer window, then most recent; or recent; or oldest."""
    late_entry_text: Annotated[str, AfterValidator(notation_wording)] = (
        "LATE ENTRY: this note was written on {written} for the session of {session}."
    )
    """Wording of the late-entry notation: says "late entry", with {written} and {session} (and optionally {session_time})."""
    late_entry_reason: Annotated[str, AfterValidator(reason_line)] = (
        "Documentation delayed due to caseload volume"
    )
    """Reason a late-entry notation gives unless you give another (empty: none)."""
    note_types: Annotated[Sequence[str], ListOf(), AfterValidator(at_least_one)] = list(NOTE_TYPES)
    """Note types you use; add your own."""


class Notify(NamedTuple):
    """Push notifications."""

    urls: Annotated[Sequence[str], ListOf(), AfterValidator(apprise_urls)] = []
    """Apprise URLs to notify (secrets: shown masked)."""
    quiet_hours: Annotated[str, AfterValidator(quiet_range)] = "19:00-08:00"
    """No notifications in this range (HH:MM-HH:MM)."""
    weekends: bool = False
    """Also notify on Saturday and Sunday."""
    checkin_reminder: bool = True
    """Remind you to check in on working days when none is logged by checkin_at."""
    checkin_at: Annotated[str, AfterValidator(clock_time)] = "17:30"
    """Time of the daily check-in reminder and the weekly review (HH:MM)."""
    weekly_review: bool = False
    """Send a weekly review of the same-day habit (counts only)."""
    weekly_review_day: Annotated[str, OneOf(WEEKDAYS)] = "fri"
    """Weekday of the weekly review."""


class Sprint(NamedTuple):
    """Catch-up blocks."""

    days: Annotated[Sequence[str], ListOf(WEEKDAYS)] = ["tue", "thu"]
    """Weekdays of catch-up blocks."""
    start: Annotated[str, AfterValidator(clock_time)] = "16:00"
    """Start time of a catch-up block (HH:MM)."""
    block_minutes: Annotated[int, Whole(15, 480)] = 90
    """Length of a catch-up block in minutes."""
    notes_per_block: Annotated[int, Whole(0, 50)] = 0
    """Fixed notes per block, overriding minutes per type (0: use minutes)."""
    minutes_per_type: Annotated[Mapping[str, int], Pairs(1, 240)] = {
        "progress": 9,
        "case_note": 9,
        "group": 9,
        "intake": 20,
        "treatment_plan": 20,
        "court_report": 45,
        "admin": 5,
    }
    """Catch-up minutes per note type."""
    strategy: Annotated[str, OneOf(STRATEGIES)] = "risk"
    """Catch-up order: risk (triage order) or recent (most recent first)."""
    work_hours: Annotated[str, AfterValidator(work_range)] = "08:00-18:00"
    """Working hours in which a calendar's free time may hold catch-up blocks (HH:MM-HH:MM)."""
    days_off: Annotated[Sequence[str], ListOf(WEEKDAYS)] = ["sat", "sun"]
    """Weekdays never given catch-up blocks from calendar free time."""


class Calendar(NamedTuple):
    """Sessions read from the calendar you already keep (never titles: see the README)."""

    source: Annotated[str, AfterValidator(calendar_source)] = ""
    """An .ics file path or private https/webcal feed address to sync sessions from (empty: none)."""
    since: Annotated[int, Whole(1, 3650)] = 60
    """Days back from now that calendar import and sync read."""
    min_minutes: Annotated[int, Whole(1, 1440)] = 15
    """Shortest event taken as a session, in minutes."""
    max_minutes: Annotated[int, Whole(1, 1440)] = 120
    """Longest event taken as a session, in minutes."""
    match: Annotated[str, AfterValidator(regular_expression)] = ""
    """Regular expression an event's title must contain to be a session (empty: every event)."""
    types: Annotated[Mapping[str, str], TextPairs()] = {"intake": "intake", "group": "group"}
    """Title keyword -> note type, e.g. intake=intake,group=group (others are progress notes)."""
    client_ref: Annotated[str, AfterValidator(client_ref_pattern)] = ""
    """Regular expression with one group taking a client reference from a title (empty: none)."""
    me: Annotated[Sequence[str], ListOf()] = []
    """Your own email addresses, to tell invitations you declined (empty: guessed from the file)."""


class Backups(NamedTuple):
    """Copies of the database in the data folder's backups/."""

    keep_last: Annotated[int, Whole(1, 1000)] = 10
    """Backups of each kind kept, newest first."""
    keep_weeks: Annotated[int, Whole(0, 520)] = 8
    """Weeks back for which the newest backup of each week is also kept."""


class Privacy(NamedTuple):
    """What the screen shows, for a shared office or screen sharing."""

    hide_refs: bool = False
    """Hide client references on screen (h on the Backlog screen toggles them for the session)."""


class Status(NamedTuple):
    """`caughtup status`."""

    show_streak: bool = False
    """Show the same-day habit's streak in `status --short` (reads every item: a little slower)."""


class Workload(NamedTuple):
    """The workload summary."""

    session_minutes: Annotated[int, Whole(10, 240)] = 50
    """Typical session length in minutes: scheduled patient time where no calendar says."""
    weeks: Annotated[int, Whole(1, 520)] = 12
    """Weeks a workload summary covers by default."""


class Settings(NamedTuple):
    """Everything the user can set; defaults from DESIGN.md."""

    timezone: Annotated[str, AfterValidator(time_zone)] = ""
    """IANA time zone for dates and due times (empty: the system's)."""
    locale: Annotated[str, AfterValidator(country)] = "other"
    """Country for crisis resources (an ISO code such as GB or DE, or other)."""
    first_weekday: Annotated[str, OneOf(WEEKDAYS)] = "mon"
    """First day of a week in charts."""
    working_days: Annotated[Sequence[str], ListOf(WEEKDAYS)] = ["mon", "tue", "wed", "thu", "fri"]
    """Days you see clients."""
    theme: str = "textual-dark"
    """TUI theme, e.g. textual-dark or textual-light."""
    onboarded: bool = False
    """Whether first-run onboarding is done."""
    private_print: bool = False
    """Print self-check summaries without the safety answers by default (--private)."""
    night_until: Annotated[str, AfterValidator(clock_time)] = "04:00"
    """Until this time after midnight a check-in asks (app) or says (CLI) which day it is for."""
    page_size: Annotated[str, OneOf(PAGE_SIZES)] = "auto"
    """PDF page size: auto (Letter for locale US or CA, A4 elsewhere), letter or a4."""
    rules: Rules = Rules()
    notify: Notify = Notify()
    sprint: Sprint = Sprint()
    backups: Backups = Backups()
    privacy: Privacy = Privacy()
    status: Status = Status()
    calendar: Calendar = Calendar()
    workload: Workload = Workload()


SECTIONS: dict[
    str, type[Rules | Notify | Sprint | Backups | Privacy | Status | Calendar | Workload]
] = {
    "rules": Rules,
    "notify": Notify,
    "sprint": Sprint,
    "backups": Backups,
    "privacy": Privacy,
    "status": Status,
    "calendar": Calendar,
    "workload": Workload,
}
SECRETS = ("notify.urls", "calendar.source")
"""Settings that may hold tokens: shown masked, never exported or imported."""
DEFAULTS = Settings()


# -- keys and values -------------------------------------------------------------------------


def all_keys() -> list[str]:
    """Every dotted setting key."""
    return [
        key
        for name in Settings._fields
        for key in (
            [f"{name}.{sub}" for sub in SECTIONS[name]._fields] if name in SECTIONS else [name]
        )
    ]


def _known(key: str) -> None:
    keys = all_keys()
    if key not in keys:
        guess = did_you_mean(key, keys)
        if guess:
            raise InputError(f"unknown setting {key!r}; did you mean {guess}?")
        raise InputError(f"unknown setting {key!r}; valid keys: {', '.join(keys)}")


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The one of `choices` closest to a mistyped `word`, when one is close enough."""
    import difflib  # only on a typo: ~2 ms

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.8)
    if not found and "." not in word:  # `treshold` for rules.threshold: match the last part
        tails = {c.rpartition(".")[2]: c for c in choices}
        found = [tails[t] for t in difflib.get_close_matches(word, list(tails), n=1, cutoff=0.75)]
    return found[0] if found else None


def get_value(settings: Settings, key: str) -> Any:
    _known(key)
    obj: Any = settings
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def is_secret(key: str) -> bool:
    _known(key)
    return key in SECRETS


def mask(url: str) -> str:
    """Show an apprise URL's scheme only: the rest may hold tokens."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{'•' * 6}{rest[-3:] if len(rest) > 8 else ''}"


def as_text(value: Any) -> str:
    """A setting as `caughtup config KEY VALUE` takes it (lists and pairs comma-separated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def describe(key: str) -> str:
    """The one-line doc of a setting."""
    from tracker import settings_check

    return settings_check.describe(key)


MAX_LATE_REASON = 200


def check_reason(value: str) -> str | None:
    """What a late-entry reason must be, when `value` is not; None when fine (the setting's
    check, and `done --reason`'s, which must not wait for pydantic)."""
    if len(value) > MAX_LATE_REASON or not value.isprintable():
        return f"one line of up to {MAX_LATE_REASON} printable characters, or empty for none"
    return None


def set_value(settings: Settings, key: str, raw: Any, *, loading: bool = False) -> Settings:
    """`settings` with `key` set from `raw` (text or a TOML value), checked; InputError if bad.

    `loading`: the value comes from a file (an import), not typed, so a country is not looked up
    (an old file naming a country no longer known still opens: it reads as `other`)."""
    return with_values(settings, {key: raw}, loading=loading)


def with_values(
    settings: Settings, values: Mapping[str, Any], *, loading: bool = False
) -> Settings:
    """`settings` with each dotted key set, checked together (InputError for a bad one, whose
    `key` it names; see `set_value`)."""
    from tracker import settings_check  # pydantic (~150 ms): only when a value is set

    return settings_check.set_values(settings, values, typed=not loading)


def replaced(settings: Settings, key: str, value: Any) -> Settings:
    """`settings` with `key` holding `value`, taken as it is (checked by the caller)."""
    section, _, name = key.rpartition(".")
    if section:
        return settings._replace(**{section: getattr(settings, section)._replace(**{name: value})})
    return settings._replace(**{name: value})


def changed_keys(old: Settings, new: Settings) -> dict[str, Any]:
    """Every setting `new` has differently from `old`, by dotted key."""
    return {k: get_value(new, k) for k in all_keys() if get_value(new, k) != get_value(old, k)}


def to_dict(settings: Settings) -> dict[str, Any]:
    """Settings as plain tables, as settings.toml holds them."""
    return {
        **settings._asdict(),
        **{name: getattr(settings, name)._asdict() for name in SECTIONS},
    }


def from_tables(tables: Mapping[str, Any]) -> Settings:
    """Settings from tables that passed the checks (TypeError for an unknown key)."""
    fields: dict[str, Any] = {
        k: SECTIONS[k](**v) if k in SECTIONS else v for k, v in tables.items()
    }
    return Settings(**fields)


# -- the file --------------------------------------------------------------------------------


def settings_path(home: Path) -> Path:
    return home / SETTINGS_NAME


def load(home: Path) -> Settings:
    """Read settings.toml from `home` (defaults when absent); InputError naming the problem."""
    path = settings_path(home)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return DEFAULTS
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if os.stat(path).st_mode & 0o077:
        warn_once(f"{path} is readable by other users; run chmod 600 {path}")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a BOM, as Windows editors save
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    if fingerprint(text) == _last_checked(home):
        tables = _written_tables(text)
        with contextlib.suppress(TypeError):  # a key no longer known: check it as any text
            return from_tables(toml_tables(text, path) if tables is None else tables)
    from tracker import settings_check  # pydantic: a text not checked before

    return settings_check.checked(home, text, path)


def toml_tables(text: str, path: Path) -> dict[str, Any]:
    """The tables of a TOML text; InputError naming the file when it is not TOML."""
    import tomllib  # 27 M instructions, half of `status`: only for a text not in caughtup's shape

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    except RecursionError:
        raise InputError(
            f"{path} nests tables or lists too deeply to be caughtup's settings; fix or delete "
            "the file"
        ) from None


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _written_tables(text: str) -> dict[str, Any] | None:
    """The tables of a settings text in the shape caughtup writes it (tomli_w's), else None.

    For a text the checks passed, so it is valid TOML; tomllib reads anything else. Each value
    is one JSON value (where JSON and TOML both accept a text, they read it alike), an array one
    per line; a comment, a literal string or an inline table makes it None.
    """
    import json  # status prints JSON anyway

    decoder = json.JSONDecoder(strict=False)  # TOML, unlike JSON, takes a tab as it is
    value = decoder.decode

    tables: dict[str, Any] = {}
    table = tables
    lines = iter(text.replace("\r\n", "\n").split("\n"))
    try:
        for line in lines:
            if not line:
                continue
            if line[0] == "[":
                if line[-1] != "]":
                    return None
                table = tables
                for name in line[1:-1].split("."):
                    if not _BARE.issuperset(name) or not name:
                        return None
                    table = table.setdefault(name, {})
                continue
            if line[0] == '"':
                key, end = decoder.raw_decode(line)
                sep, rest = line[end : end + 3], line[end + 3 :]
            else:
                key, sep, rest = line.partition(" = ")
                if not key or not _BARE.issuperset(key):
                    return None
            if sep != " = ":
                return None
            if rest == "[":
                found = []
                for item in lines:
                    if item == "]":
                        break
                    found.append(value(item.strip().removesuffix(",")))
                else:
                    return None
                table[key] = found
            else:
                table[key] = value(rest)
    except (ValueError, TypeError, AttributeError):  # JSON that is not this value, a table twice
        return None
    return tables


def fingerprint(text: str) -> str:
    """What names a settings text, and the checks it passed (their source: another version of
    caughtup checks again)."""
    from _blake2 import blake2b  # hashlib's own; hashlib loads OpenSSL: 11 M instructions

    here = Path(__file__)
    digest = blake2b(digest_size=16)
    for source in (here, here.with_name("settings_check.py")):
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _last_checked(home: Path) -> str | None:
    try:
        return (home / SETTINGS_CHECKED_NAME).read_text(encoding="ascii")
    except (OSError, ValueError):
        return None


def mark_checked(home: Path, text: str) -> None:
    """Remember that `text` passed the checks (a hash only: no setting, no notification URL)."""
    # Not kept from a read-only folder: that folder's settings are checked on every read.
    with contextlib.suppress(OSError):
        write_private(home / SETTINGS_CHECKED_NAME, fingerprint(text).encode("ascii"))


def save(home: Path, settings: Settings) -> Path:
    """Write settings.toml atomically, owner-only, replacing every setting (see `update`)."""
    with _locked(home):
        return _write(home, settings)


def _write(home: Path, settings: Settings) -> Path:
    from tracker import settings_check  # every text written is checked first

    text = settings_check.text_of(settings)
    path = settings_path(home)
    write_private(path, text.encode("utf-8"))
    mark_checked(home, text)
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
