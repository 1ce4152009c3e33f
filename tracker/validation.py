"""How caughtup checks what it reads from a file or from a user: pydantic types, a column's or a
list's values in one call, and the first problem said in one line, in the rule's own words.

Imports pydantic (about 110 ms with its first check): never on the `status` or `log` path.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter
from pydantic_core import ErrorDetails


def list_of(kind: Any) -> TypeAdapter[list[Any]]:
    """The check of a list of `kind` values (about 1 ms to make)."""
    return TypeAdapter(list[kind])


def said(error: ErrorDetails) -> str:
    """What one pydantic error says: a rule's own words (the ValueError it raised), else
    pydantic's."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def dotted(loc: tuple[int | str, ...]) -> str:
    """`lines[0].contact` from pydantic's location of an error."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
