"""The store: one SQLite file (WAL, busy timeout, schema steps), owner-only; SQL and nothing else.

Only this package runs SQL, one module per idea: `connection` (opening the file safely, what
goes wrong with it in words, transactions, the quick check), `schema` (the steps and their
history), one module per table family (`items`, `days`, `sprints`, `selfchecks`, `state`),
the workload summary's reads (`workload`), `bulk` (import and export) and `backup` (copies of
the database, out and back in). `Store` is all of them in one object. Business rules live in
the core (`checkin`, `entries`, `rules`): the store reads, hands the rows to them, and applies
their answer.

`status` needs only the connection and the items table, so the schema's steps load only to
create or upgrade a database, and the other families with the first use of one of their methods
or names: importing every module up front added 5 M instructions (3%) to each `status` and
`log` (each module costs about 0.4 M to import).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tracker.store.connection import (
    APPLICATION_ID,
    BUSY_TIMEOUT_S,
    SCHEMA_VERSION,
    Connection,
    DatabaseProblem,
    DiskProblem,
    error_words,
    file_problem,
)
from tracker.store.items import ITEM_COLUMNS, WAITS_ON_OTHERS_SQL, ItemQueries

if TYPE_CHECKING:
    from tracker.store.backup import Copies, backup_path, check_file, install_copy, set_aside
    from tracker.store.bulk import Bulk, RowRejected
    from tracker.store.calendar import CalendarQueries
    from tracker.store.days import DayQueries
    from tracker.store.selfchecks import SelfCheckQueries
    from tracker.store.sprints import SprintQueries
    from tracker.store.state import KEEP_DELIVERIES, SENT_PREFIX, StateQueries
    from tracker.store.workload import WorkloadQueries

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "ITEM_COLUMNS",
    "KEEP_DELIVERIES",
    "SCHEMA_VERSION",
    "SENT_PREFIX",
    "WAITS_ON_OTHERS_SQL",
    "DatabaseProblem",
    "DiskProblem",
    "RowRejected",
    "Store",
    "backup_path",
    "check_file",
    "error_words",
    "file_problem",
    "install_copy",
    "set_aside",
]


LATER = ("days", "sprints", "selfchecks", "state", "bulk", "backup", "calendar", "workload")
"""The families loaded on first use, in the order they are looked through."""


def _later_modules() -> Iterator[ModuleType]:
    """The modules of `LATER`, each imported only when the one before did not answer."""
    for name in LATER:
        module = f"{__name__}.{name}"
        __import__(module)
        yield sys.modules[module]


if TYPE_CHECKING:

    class _Later(
        DayQueries,
        SprintQueries,
        SelfCheckQueries,
        StateQueries,
        Bulk,
        Copies,
        CalendarQueries,
        WorkloadQueries,
    ):
        """What the type checker sees: every family's methods."""

else:

    class _Later:
        """The families `status` never uses: a method of theirs is found in its module on
        first use and kept on the class, so later calls look it up as usual."""

        def __getattr__(self, name: str) -> Any:
            for module in _later_modules():
                for family in vars(module).values():
                    if (
                        isinstance(family, type)
                        and issubclass(family, Connection)
                        and family.__module__ == module.__name__
                        and name in vars(family)
                    ):
                        setattr(type(self), name, vars(family)[name])
                        return getattr(self, name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getattr__(name: str) -> Any:  # the package's names from those modules (PEP 562)
        if name in __all__:  # not a submodule's name: importing one asks for it first
            for module in _later_modules():
                if name in vars(module):
                    return vars(module)[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Store(_Later, ItemQueries):
    """A connection to the caughtup database in one data folder."""
