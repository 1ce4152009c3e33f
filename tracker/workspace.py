"""One place that ties a data folder to its settings, clock and store (CLI and TUI share it)."""

from __future__ import annotations

import _thread
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from tracker import clock, files, settings
from tracker.errors import InputError
from tracker.paths import DB_NAME, data_dir
from tracker.settings import Settings
from tracker.store import Store


class Workspace:
    """The user's data folder, opened lazily: reading settings never opens the database.

    Each thread gets its own long-lived store (SQLite connections are not shared between
    threads): the CLI has one, the app one for its event loop and one per worker thread.
    """

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or data_dir()
        self._settings: Settings | None = None
        self._settings_stamp: settings.Stamp | None = None
        self._local = _thread._local()  # threading.local without threading (~1 ms to import)
        self._stores: list[Store] = []
        self._lock = _thread.allocate_lock()
        self._watch: Store | None = None
        self._watch_lock = _thread.allocate_lock()
        self._version = 0

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings_stamp = settings.stamp(self.home)  # before reading: a change between
            self._settings = settings.load(self.home)  # the two is seen at the next look
        return self._settings

    @property
    def tz(self) -> tzinfo:
        return clock.resolve_tz(self.settings.timezone)

    def now(self) -> datetime:
        return clock.now(self.tz)

    @property
    def store(self) -> Store:
        """This thread's store, opened on first use and kept until `close`."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            if not self._stores:
                # The data folder kept tidy before the first open (a stat and two short folder
                # listings, ~30 µs): temp files a killed caughtup left, a database others could read.
                files.clean_strays(self.home)
                files.tighten(self.home / DB_NAME)
            store = Store.open(self.home, self.tz)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def changes(self) -> tuple[bool, bool]:
        """(data, settings): whether the database or settings.toml changed since the last look.

        Cheap enough for every few seconds: SQLite's data_version on a connection kept for this
        (it moves when any other connection commits, this process's included) and one stat.
        Changed settings are read here, so the caller (a worker thread) pays for that too.
        """
        if not self._watch_lock.acquire(blocking=False):
            return False, False  # a look is already under way
        try:
            if self._watch is None:
                self._watch = Store.open(self.home, self.tz)
                with self._lock:
                    self._stores.append(self._watch)
                self._version = self._watch.data_version()
                data = False
            else:
                version = self._watch.data_version()
                data, self._version = version != self._version, version
        finally:
            self._watch_lock.release()
        return data, self._reread_settings()

    def _reread_settings(self) -> bool:
        """Read settings.toml again if it changed since it was read; whether it did."""
        stamp = settings.stamp(self.home)
        if self._settings is None or stamp == self._settings_stamp:
            return False
        try:
            new = settings.load(self.home)
        except InputError:
            return False  # a file mid-edit by hand: keep the settings in use, look again later
        self._settings, self._settings_stamp = new, stamp
        return True

    def save_settings(self, new: Settings) -> Path:
        """Replace every setting with `new` (a new folder, an import); see `change_settings`."""
        path = settings.save(self.home, new)
        self._settings = None  # read again when next needed
        return path

    def change_settings(self, change: Callable[[Settings], Settings]) -> Settings:
        """Apply `change` to the settings file as it is now (under its lock); the new settings."""
        new, self._settings_stamp = settings.update(self.home, change)
        self._settings = new
        return new

    def close(self) -> None:
        """Close every thread's store (once their threads are done with them)."""
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()
        self._local = _thread._local()
        self._watch = None
