"""Crisis resources per locale, read from one data file (`tracker/data/crisis.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CRISIS_FILE = Path(__file__).with_name("data") / "crisis.toml"


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    hours: str = ""


@dataclass(frozen=True)
class Resources:
    locale: str
    country: str
    emergency: str
    lines: tuple[Line, ...]

    def to_json(self) -> list[dict[str, str]]:
        """Crisis lines first, then the local emergency number, each as name/contact/hours."""
        rows = [{"name": ln.name, "contact": ln.contact, "hours": ln.hours} for ln in self.lines]
        rows.append(
            {
                "name": "Emergency services",
                "contact": f"call {self.emergency}",
                "hours": "if you are in danger now",
            }
        )
        return rows

    def lines_text(self) -> list[str]:
        """One line per resource, plain ASCII punctuation (the PDF's core fonts are latin-1)."""
        return [
            f"{row['name']}: {row['contact']}" + (f" ({row['hours']})" if row["hours"] else "")
            for row in self.to_json()
        ]

    def quiet_line(self) -> str:
        """The one line every result shows, flagged or not."""
        first = self.lines[0]
        return (
            f"If things feel unsafe: {first.name}, {first.contact}; "
            f"emergency {self.emergency} ({self.country})."
        )


@cache
def _table() -> dict[str, Any]:
    with CRISIS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def locales() -> list[str]:
    return sorted(_table())


def resources(locale: str) -> Resources:
    """The crisis resources for a locale; the US entry for an unknown one (988 and 911)."""
    table = _table()
    entry = table.get(locale.upper()) or table["US"]
    return Resources(
        locale=locale.upper() if locale.upper() in table else "US",
        country=entry["country"],
        emergency=entry["emergency"],
        lines=tuple(Line(**line) for line in entry["lines"]),
    )
