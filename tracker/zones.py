"""Time zones people may set: IANA region names (America/New_York), never an abbreviation.

`EST`, `CST6CDT` or `US/Eastern` name a fixed offset or an old alias: EST never keeps daylight
saving time, so a clinician in New York who types it would see every due time an hour off half
the year. A name is accepted when it is a zone of tzdata's zone.tab (the zones people live in)
or UTC; anything else gets the matching region name, found from the zone data itself.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError, available_timezones

ALWAYS = frozenset({"UTC", "Etc/UTC"})
# Two moments a year, one in each half, to read a zone's standard and daylight abbreviations.
_PROBES = (datetime(2025, 1, 15, 12), datetime(2025, 7, 15, 12))
_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
          "Indian/", "Pacific/")  # fmt: skip


@cache
def zone_table() -> tuple[tuple[str, str], ...]:
    """(country code, zone) pairs in zone.tab's order (each country's main zone first)."""
    for folder in TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            break
    else:
        try:
            from importlib.resources import files

            text = (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
        except (ImportError, OSError):  # no table: every region name in the data counts
            zones = sorted(z for z in available_timezones() if z.startswith(_AREAS))
            return tuple(("", z) for z in zones)
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return tuple((row[0], row[2]) for row in rows if len(row) >= 3)


def is_region(name: str) -> bool:
    """Whether `name` is a zone people may set (a zone.tab region name, or UTC)."""
    return name in ALWAYS or any(zone == name for _, zone in zone_table())


@cache
def _face(zone: str) -> tuple[frozenset[str], tuple[object, ...]]:
    """A zone's abbreviations and UTC offsets at the two probes (winter, summer)."""
    info = ZoneInfo(zone)
    moments = [moment.replace(tzinfo=info) for moment in _PROBES]
    return frozenset(filter(None, (m.tzname() for m in moments))), tuple(
        m.utcoffset() for m in moments
    )


def suggest(name: str, country: str = "") -> str | None:
    """The region name someone typing `name` most likely means (EST -> America/New_York).

    An alias (US/Eastern, Asia/Calcutta) gets the region zone that keeps the very same clock.
    An abbreviation gets the zones showing it (EST: New York in winter): those keeping daylight
    saving time first (EST said all year means Eastern time), then the user's `country`, the
    country with most such zones, the country with most zones, and zone.tab's order."""
    offsets: tuple[object, ...] = ()
    if name.isalpha():  # EST, cet: an abbreviation (tzdata's EST is a fixed offset, not meant)
        names = frozenset({name.upper()})
    else:
        try:
            names, offsets = _face(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return None
    if not names:
        return None
    faces = []
    for n, (code, zone) in enumerate(zone_table()):
        if zone.startswith("Antarctica/"):  # research stations: never what a clinician means
            continue
        try:
            faces.append((n, code, zone, *_face(zone)))
        except (ZoneInfoNotFoundError, OSError):
            continue
    same = [f for f in faces if f[3] == names and f[4] == offsets]
    showing = [f for f in faces if names <= f[3]]
    matches = same or [f for f in showing if len(f[3]) > 1] or showing
    if not matches:
        return None
    among = Counter(f[1] for f in matches)
    zones = Counter(code for code, _ in zone_table())
    best = min(
        matches,
        key=lambda f: (f[1] != country.upper(), -among[f[1]], -zones[f[1]], f[0]),
    )
    return best[2]
