"""The database's copies in the data folder's backups/: which is the newest good one, and which
to keep.

A copy is named `caughtup-<UTC stamp>[-<kind>][-<n>].db`; its kind is what made it (a plain
`backup`, `before-import`, `before-restore`, `before-schema`, or a `damaged` file set aside).
Pruning keeps the newest `keep_last` of each kind and the newest of each of the last
`keep_weeks` weeks, never the newest copy that passes SQLite's integrity check, and never a
`damaged` file (it is the only copy of what it holds).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker import files
from tracker.paths import BACKUP_DIR, DB_NAME

if TYPE_CHECKING:
    from tracker.settings import Backups
    from tracker.store import Store

NAME = re.compile(
    r"caughtup-(?P<stamp>[0-9]{8}T[0-9]{6}Z)(?:-(?P<label>[a-z][a-z0-9-]*?))?(?:-[0-9]+)?\.db"
)
NEVER_PRUNED = "damaged"
SIDE_FILES = 64 * 1024
"""Room SQLite needs to open a database in WAL mode (its -shm and first -wal frames)."""
# The hint after damage checks copies newest first; this many at most (each is read whole).
MAX_CHECKED = 50


class Copy(NamedTuple):
    path: Path
    made: datetime
    kind: str


def copies(home: Path) -> list[Copy]:
    """caughtup's copies in `home`'s backups/, newest first (files it did not name are left out)."""
    try:
        entries = list((home / BACKUP_DIR).iterdir())
    except OSError:
        return []
    found = []
    for path in entries:
        match = NAME.fullmatch(path.name)
        if match is None:
            continue
        try:
            info = path.stat()
        except OSError:  # pruned by another caughtup meanwhile
            continue
        if stat.S_ISREG(info.st_mode):
            made = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            kind = re.sub(r"-[0-9]+$", "", match["label"] or "backup")
            found.append((made, info.st_mtime_ns, path.name, Copy(path, made, kind)))
    return [copy for *_, copy in sorted(found, reverse=True)]


def open_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a database copy (never the live database)."""
    # A copy is never written: read it as immutable, so no -shm or -wal appears beside it (on a
    # full disk there would be no room for them), unless a WAL of its own is there to be read.
    wal = Path(f"{path}-wal")
    flags = "mode=ro" if wal.exists() and wal.stat().st_size else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, isolation_level=None)


def check(path: Path) -> list[str]:
    """SQLite's integrity check of a copy: ["ok"] when whole, else what it found."""
    try:
        conn = open_copy(path)
        try:
            return [str(r[0]) for r in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def newest_good(home: Path, most: int | None = MAX_CHECKED) -> Path | None:
    """The newest copy that passes SQLite's integrity check (damaged ones set aside skipped),
    among the newest `most` copies (all when None)."""
    for copy in [c for c in copies(home) if c.kind != NEVER_PRUNED][:most]:
        if check(copy.path) == ["ok"]:
            return copy.path
    return None


def to_prune(found: list[Copy], keep_last: int, keep_weeks: int, now: datetime) -> list[Copy]:
    """The copies pruning removes from `found` (newest first); pure, for tests."""
    keep: set[Path] = set()
    kinds: dict[str, list[Copy]] = {}
    for c in found:
        kinds.setdefault(c.kind, []).append(c)
    for kind, group in kinds.items():
        if kind == NEVER_PRUNED:
            keep.update(c.path for c in group)
            continue
        keep.update(c.path for c in group[:keep_last])
        for week in range(keep_weeks):
            end = now - timedelta(weeks=week)
            start = end - timedelta(weeks=1)
            in_week = [c for c in group if start < c.made <= end]
            if in_week:
                keep.add(in_week[0].path)
    return [c for c in found if c.path not in keep]


def prune(home: Path, keep_last: int, keep_weeks: int, now: datetime) -> list[Path]:
    """Remove the copies `to_prune` names, except the newest good one; returns those removed."""
    found = copies(home)
    doomed = to_prune(found, keep_last, keep_weeks, now)
    if not doomed:
        return []
    good = newest_good(home, most=None)
    removed = []
    for copy in doomed:
        if copy.path == good:
            continue
        for side in (Path(f"{copy.path}-wal"), Path(f"{copy.path}-shm"), copy.path):
            try:
                side.unlink(missing_ok=True)
            except OSError:
                break
        else:
            removed.append(copy.path)
    return removed


def make(store: Store, home: Path, keep: Backups, label: str = "") -> tuple[Path, list[Path]]:
    """A new copy in backups/ (refused for a damaged database), then older ones pruned by the
    `backups.*` settings: (the copy, the copies removed)."""
    made = store.backup_labelled(label)
    return made, prune_by(home, keep)


@contextmanager
def before_import(store: Store, home: Path, keep: Backups) -> Iterator[Path | None]:
    """A copy of the data before an import (None for an empty database: nothing to lose); it is
    removed again if the import fails (nothing changed), older ones pruned if it succeeds."""
    made = store.backup_labelled("before-import") if store.holds_data() else None
    try:
        yield made
    except BaseException:
        if made is not None:
            made.unlink(missing_ok=True)
        raise
    prune_by(home, keep)


def prune_by(home: Path, keep: Backups) -> list[Path]:
    """`prune` by the settings, as of now (copies are stamped with the real time)."""
    return prune(home, keep.keep_last, keep.keep_weeks, datetime.now(UTC))


def _room(home: Path, need: int, what: str) -> None:
    """DiskProblem unless the data folder's disk has `need` bytes free."""
    from tracker.store import DiskProblem

    free = files.free_bytes(home)
    if free < need:
        raise DiskProblem(
            f"{files.DISK_FULL}: {what} needs about {files.size_words(need)} free beside "
            f"{home}, and {files.size_words(free)} are; free some space and try again; "
            "nothing was changed"
        )


def restore(home: Path, tz: tzinfo, source: Path) -> dict[str, Any]:
    """Put the copy `source` back as the database: checked first, the current data kept.

    A healthy database is backed up (before-restore) and then overwritten page by page; a
    damaged one is moved aside into backups/. A full disk is never taken for damage: nothing
    moves until there is room for everything the restore writes.
    """
    from tracker import store as st

    db = home / DB_NAME
    version = st.check_file(source)
    incoming = source.stat().st_size
    size = db.stat().st_size if db.exists() else 0
    # The copy before it, the new pages in the WAL, the file growing to their size, and room
    # for SQLite's shared-memory and WAL files to open it at all.
    need = size + incoming + max(0, incoming - size) + SIDE_FILES
    try:
        current = st.Store(db, tz)
    except st.DiskProblem:
        _room(home, need, "restoring")
        raise
    except st.DatabaseProblem:
        _room(home, incoming, "restoring")  # setting the damaged file aside is a rename
        previous = st.set_aside(db, "damaged")
        try:
            st.install_copy(source, db)
        except BaseException:
            os.replace(previous, db)  # no copy in place: the damaged file stays the database
            raise
        st.Store(db, tz).close()  # upgrades an older schema, backing it up first
    else:
        with current:
            _room(home, need, "restoring")
            previous = current.backup_labelled("before-restore")
            try:
                current.restore_from(source)
            except BaseException:
                previous.unlink(missing_ok=True)  # nothing changed: it would be a duplicate
                raise
            current.upgrade()
    return {"restored_from": str(source), "schema_version": version, "previous": str(previous)}
