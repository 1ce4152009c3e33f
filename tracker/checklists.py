"""The "good-enough catch-up note" checklists per note type: data, editable by the user.

The shipped lists live in `tracker/data/checklists.toml`; a `checklists.toml` in the data folder
replaces any section it defines. A note type without a section uses `[default]`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tracker.errors import InputError

SHIPPED = Path(__file__).parent / "data" / "checklists.toml"
USER_NAME = "checklists.toml"


def _read(path: Path) -> dict[str, list[str]]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or delete the file") from None
    lists = {}
    for name, section in data.items():
        items = section.get("items") if isinstance(section, dict) else None
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(line, str) and line.strip() for line in items)
        ):
            raise InputError(
                f'{path}: [{name}] must have items = ["a line", ...] with at least one line'
            )
        lists[name] = [line.strip() for line in items]
    return lists


def load(home: Path) -> dict[str, list[str]]:
    """Checklists by note type: the shipped ones, each replaced by the user's if they wrote one."""
    lists = _read(SHIPPED)
    user = home / USER_NAME
    if user.is_file():
        lists.update(_read(user))
    return lists


def for_type(lists: dict[str, list[str]], note_type: str) -> list[str]:
    """The checklist for `note_type`, else the default one."""
    return lists.get(note_type) or lists.get("default", [])
