"""How the command reports bad input: one line on stderr naming the value and the fix, exit 2.

This is the one place a core error's fields (`FieldError(field, problem)`, or a field an
`InputError` mentions) become the options that set them: `--sessions must be 0 to 40, got -3`.
Click-free, for the fast `status` path.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tracker.errors import InputError

ABORTED = "caughtup: aborted; nothing was changed"


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input or a damaged database ends a command with one line on stderr, and exit 2."""
    try:
        yield
    except InputError as exc:
        print(f"caughtup: {one_line(input_words(exc))}", file=sys.stderr)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:
        print(f"caughtup: {one_line(_database_error(exc))}", file=sys.stderr)
        sys.exit(2)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        print(f"caughtup: {one_line(_os_error(exc))}", file=sys.stderr)
        sys.exit(2)
    except (MemoryError, RecursionError) as exc:
        # Last resort, for input too large or too deep somewhere not checked for it already.
        what = "too large" if isinstance(exc, MemoryError) else "nested too deeply"
        print(f"caughtup: the input is {what} to handle; nothing was changed", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:  # under click this arrives as click.Abort, reported the same way
        print(f"\n{ABORTED}", file=sys.stderr)
        sys.exit(130)


def input_words(exc: InputError) -> str:
    """An input error as the command line says it: each field named by the option that sets it."""
    return exc.words(flag)


# The core's fields whose option is not the field's own name (`after_hours` -> `--after-hours`).
FLAGS = {
    "day": "--date",
    "session_date": "--date",
    "session_time": "--time",
    "note_type": "--type",
    "client_ref": "--client",
}


def flag(field: str) -> str:
    """The option that sets a core field."""
    return FLAGS.get(field) or f"--{field.replace('_', '-')}"


def _database_error(exc: sqlite3.DatabaseError) -> str:
    """An error from SQLite mid-command (the cheap checks at open passed), in one line."""
    from tracker.paths import DB_NAME, data_dir
    from tracker.store import error_words

    return error_words(exc, data_dir() / DB_NAME)


def _os_error(exc: OSError) -> str:
    """A file caughtup could not read or write, named, with a full disk or a read-only folder
    said as such."""
    from pathlib import Path

    from tracker.files import os_words

    name = exc.filename or "a file"
    folder = Path(exc.filename).parent if exc.filename else None
    return f"cannot use {name}: {os_words(exc, folder)}"


def one_line(text: str) -> str:
    return " ".join(text.split()).rstrip(".")
