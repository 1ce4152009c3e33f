"""Crisis resources per country: one data file (`tracker/data/crisis.toml`), plus the user's own
additions and corrections in `<data folder>/crisis.toml`, both checked by one pydantic schema.

This is the only list of countries: the `locale` setting, onboarding, `caughtup crisis`, the
screens and every printout ask it. `other`, and any code it does not know (an old settings file
may name one), gives the local emergency number and the findahelpline.com directory: never
another country's numbers. Pydantic (~150 ms) loads with this module, so nothing on the `status`
or `log` path imports it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from tracker.errors import InputError
from tracker.paths import data_dir
from tracker.validation import dotted, said

BUILTIN_FILE = Path(__file__).with_name("data") / "crisis.toml"
USER_FILE_NAME = "crisis.toml"
OTHER = "other"


class LineModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    contact: str = Field(min_length=1, max_length=120)
    hours: str = Field(default="", max_length=80)


class EntryModel(BaseModel):
    """One country: its lines, emergency number, and where and when the numbers were read."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=1, max_length=60)
    emergency: str = Field(min_length=1, max_length=60)
    source: str = Field(pattern=r"^https?://\S+$", max_length=300)
    """The page on the service's own site where its numbers were read."""
    checked: date
    """The day they were read there."""
    aliases: list[str] = Field(default_factory=list)
    lines: list[LineModel] = Field(min_length=1, max_length=6)


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    hours: str = ""


@dataclass(frozen=True)
class Resources:
    """One country's crisis resources, ready to show."""

    code: str
    country: str
    emergency: str
    lines: tuple[Line, ...]
    source: str
    checked: date
    aliases: tuple[str, ...] = ()

    @property
    def is_other(self) -> bool:
        return self.code == OTHER

    def emergency_contact(self) -> str:
        return f"call {self.emergency}"

    def to_json(self) -> list[dict[str, str]]:
        """Crisis lines first, then the emergency number, each as name/contact/hours."""
        rows = [{"name": ln.name, "contact": ln.contact, "hours": ln.hours} for ln in self.lines]
        rows.append(
            {
                "name": "Emergency services",
                "contact": self.emergency_contact(),
                "hours": "if you are in danger now",
            }
        )
        return rows

    def entry_json(self) -> dict[str, Any]:
        """The whole entry, as `caughtup crisis --json` prints it."""
        return {
            "code": self.code,
            "country": self.country,
            "aliases": list(self.aliases),
            "resources": self.to_json(),
            "source": self.source,
            "checked": self.checked.isoformat(),
        }

    def lines_text(self) -> list[str]:
        """One line per resource, plain ASCII punctuation (the PDF's core fonts are latin-1)."""
        return [
            f"{row['name']}: {row['contact']}" + (f" ({row['hours']})" if row["hours"] else "")
            for row in self.to_json()
        ]

    def quiet_line(self) -> str:
        """The one line every result and summary ends with, flagged or not."""
        first = self.lines[0]
        if self.is_other:
            return (
                f"If things feel unsafe: call {self.emergency}, or find a free line in your "
                f"country at {first.contact}."
            )
        return (
            f"If things feel unsafe: {first.name}, {first.contact}; "
            f"emergency {self.emergency} ({self.country})."
        )


@dataclass(frozen=True)
class Table:
    """Every country known, by code, and the aliases that name them ('UK' for 'GB')."""

    entries: dict[str, Resources]
    aliases: dict[str, str]

    def canonical(self, code: str) -> str | None:
        """The code `code` names ('uk' -> 'GB', 'Other' -> 'other'), or None when unknown."""
        text = code.strip()
        if text.lower() == OTHER:
            return OTHER
        upper = text.upper()
        if upper in self.entries:
            return upper
        return self.aliases.get(upper)

    def resources(self, code: str) -> Resources:
        """The resources for `code`; `other` for a code this table does not know."""
        return self.entries[self.canonical(code) or OTHER]

    def countries(self) -> list[Resources]:
        """Every country, by name, with `other` last."""
        known = sorted(
            (r for r in self.entries.values() if not r.is_other), key=lambda r: r.country
        )
        return [*known, self.entries[OTHER]]

    def choices(self) -> list[str]:
        """Every code a setting may hold: the countries, then `other`."""
        return [r.code for r in self.countries()]


def _line_of(text: str, table: str, field: str | None) -> int:
    """The line of `field` inside `[table]` in TOML `text` (the table's header when not found)."""
    header = re.compile(rf"^\s*\[\s*\"?{re.escape(table)}\"?\s*\]\s*(#.*)?$")
    key = re.compile(rf"^\s*{re.escape(field)}\s*=") if field else None
    inside, found = False, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            inside, found = True, number
            continue
        if inside and re.match(r"^\s*\[", line):
            break
        if inside and key is not None and key.match(line):
            return number
    return found or 1


CountryCode = Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2}|other)$")]
"""ISO 3166-1's two capital letters (GB, DE, NZ), or other."""
_FILE = TypeAdapter(dict[CountryCode, EntryModel])


def _entries(path: Path) -> dict[str, Resources]:
    """The entries of one crisis file; InputError naming the file, the line and the field."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    try:
        entries = _FILE.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        code, *loc = first["loc"]
        if loc == ["[key]"]:
            raise InputError(
                f"{path}, line {_line_of(text, str(code), None)}: [{code}] is not a country "
                "code; use the two capital letters of ISO 3166-1 (GB, DE, NZ), or other"
            ) from None
        if not loc:
            raise InputError(
                f"{path}: {code} must be a table [{code}] with country, emergency, source, "
                "checked and lines"
            ) from None
        field = str(loc[0])
        message = said(first)
        if first["type"] == "string_pattern_mismatch" and field == "source":
            message = "must be the web address (https://...) of the page the numbers come from"
        raise InputError(
            f"{path}, line {_line_of(text, str(code), field)}: [{code}].{dotted(tuple(loc))}: "
            f"{message}"
        ) from None
    return {
        code: Resources(
            code=code,
            country=entry.country,
            emergency=entry.emergency,
            lines=tuple(Line(ln.name, ln.contact, ln.hours) for ln in entry.lines),
            source=entry.source,
            checked=entry.checked,
            aliases=tuple(a.upper() for a in entry.aliases),
        )
        for code, entry in entries.items()
    }


@lru_cache(maxsize=8)
def _table(user_file: Path | None, _stamp: tuple[int, int] | None) -> Table:
    entries = _entries(BUILTIN_FILE)
    if user_file is not None:
        entries.update(_entries(user_file))  # the user's entry replaces the built-in one whole
    if OTHER not in entries:
        raise InputError(f"{BUILTIN_FILE}: the [other] entry is missing")
    aliases = {alias: code for code, r in entries.items() for alias in r.aliases}
    return Table(entries, aliases)


def table(home: Path | None = None) -> Table:
    """The built-in countries with the user's file over them (re-read when that file changes)."""
    user_file = (home or data_dir()) / USER_FILE_NAME
    try:
        st = os.stat(user_file)
    except OSError:
        return _table(None, None)
    return _table(user_file, (st.st_mtime_ns, st.st_size))


def resources(locale: str, home: Path | None = None) -> Resources:
    """The crisis resources for the `locale` setting (`other` for a code no file knows)."""
    return table(home).resources(locale)


def canonical(locale: str, home: Path | None = None) -> str | None:
    """The code a typed `locale` names ('UK' -> 'GB'), or None when no file knows it."""
    return table(home).canonical(locale)


def _zone_country(zone: str) -> str | None:
    """The country of an IANA zone, from the system's zone.tab (the tz database's own table)."""
    import zoneinfo

    for folder in zoneinfo.TZPATH:
        try:
            text = Path(folder, "zone.tab").read_text(encoding="utf-8")
        except OSError:
            continue
        for row in text.splitlines():
            parts = row.split("\t")
            if len(parts) >= 3 and not row.startswith("#") and parts[2] == zone:
                return parts[0]
        return None
    return None


def guess(zone: str, home: Path | None = None) -> str | None:
    """A first guess at the user's country for onboarding, to confirm: the system locale's
    territory (en_GB.UTF-8 -> GB), else the time zone's country; None when neither maps."""
    known = table(home)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            territory = value.split(".")[0].partition("_")[2]
            code = known.canonical(territory) if len(territory) == 2 else None
            if code is not None:
                return code
            break  # the first one set is the locale in force
    country = _zone_country(zone) if zone else None
    return known.canonical(country) if country else None
