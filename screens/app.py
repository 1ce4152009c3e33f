"""The caughtup App: navigation between screens (Textual modes keep each screen's state)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tracker.workspace import Workspace


class Place(NamedTuple):
    key: str
    mode: str
    label: str
    target: str  # "module:ScreenClass"


# One entry per screen: its key, shown in the Footer. Issues that add a screen add a line here.
PLACES: list[Place] = [
    Place("t", "today", "Today", "screens.today:TodayScreen"),
]


def _loader(target: str) -> Callable[[], Screen[Any]]:
    def load() -> Screen[Any]:
        module, name = target.split(":")
        screen_class: type[Screen[Any]] = getattr(importlib.import_module(module), name)
        return screen_class()

    return load


class CaughtupApp(App[None]):
    """The app around one data folder (the user's, or the demo's)."""

    TITLE = "caughtup"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    MODES: ClassVar[dict[str, Any]] = {p.mode: _loader(p.target) for p in PLACES}
    DEFAULT_MODE = "today"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(p.key, f"switch_mode('{p.mode}')", p.label) for p in PLACES),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def on_mount(self) -> None:
        self.theme = self.workspace.settings.theme


def make_app(home: Path | None = None) -> CaughtupApp:
    """The one factory the CLI and the tests use."""
    return CaughtupApp(Workspace(home))


def run_app() -> None:
    make_app().run()
