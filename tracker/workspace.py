"""One place that ties a data folder to its settings, clock and store (CLI and TUI share it)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path

from tracker import clock, files, settings
from tracker.paths import DB_NAME, data_dir
from tracker.settings import Settings
from tracker.store import Store


class Workspace:
    """The user's data folder, opened lazily: reading settings never opens the database."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or data_dir()

    @cached_property
    def settings(self) -> Settings:
        return settings.load(self.home)

    @property
    def tz(self) -> tzinfo:
        return clock.resolve_tz(self.settings.timezone)

    def now(self) -> datetime:
        return clock.now(self.tz)

    @cached_property
    def store(self) -> Store:
        # The data folder kept tidy first (a stat and two short folder listings, ~30 µs):
        # temp files a killed caughtup left, and a database others could read.
        files.clean_strays(self.home)
        files.tighten(self.home / DB_NAME)
        return Store.open(self.home, self.tz)

    def save_settings(self, new: Settings) -> Path:
        path = settings.save(self.home, new)
        self.__dict__["settings"] = new
        return path

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]
