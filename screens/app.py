"""The caughtup App: navigation between screens (Textual modes keep each screen's state).

Keys: each screen has a letter (`t`, `b`, ...) and an F-key (F2 ... F7). A text field takes
letters as text, so while the cursor is in one the Footer shows the F-keys instead; Escape leaves
the field, and then the letters work again. Escape otherwise goes back (closes a dialog, or
returns to the screen you came from). `?` or F1 explains the current screen.
"""

from __future__ import annotations

import gc
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from screens.messages import DataChanged, OutsideChange, WorkFailed
from screens.places import FKEYS, PLACES, START, Place
from screens.work import Workplace, store_work
from tracker import settings as settings_mod
from tracker import undo
from tracker.errors import InputError
from tracker.paths import DB_NAME
from tracker.store import DatabaseProblem, DiskProblem, error_words
from tracker.workspace import Workspace

DARK, LIGHT = "textual-dark", "textual-light"
# Exit value asking `run_app` to open the demo, then come back to the user's own data.
OPEN_DEMO = "demo"
# How often the app looks for changes made outside it (cron's remind, the CLI, another app):
# one PRAGMA and one stat in a worker thread, about 0.1 ms, so screens are never long stale.
LOOK_SECONDS = 2.0


def _loader(target: str) -> Callable[[], Screen[Any]]:
    def load() -> Screen[Any]:
        module, name = target.split(":")
        screen_class: type[Screen[Any]] = getattr(importlib.import_module(module), name)
        return screen_class()

    return load


def _keys(place: Place) -> str:
    fkey = FKEYS.get(place.key)
    return f"{place.key},{fkey}" if fkey else place.key


def is_text_field(widget: object) -> bool:
    """Whether a widget takes typed letters (Input, TextArea): then letters are not shortcuts."""
    check = getattr(widget, "check_consume_key", None)
    return bool(check and check("a", "a"))


class CaughtupApp(App[str | None]):
    """The app around one data folder (the user's, or the demo's)."""

    TITLE = "caughtup"
    # The first screen's stylesheet is read with the app's: a screen's own CSS_PATH makes Textual
    # parse every stylesheet again when that screen opens (and the default screen's is not read).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "today.tcss"]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar[set[Any]] = {lambda: _commands_provider()}
    # START opens as Textual's default screen (get_default_screen) and becomes a mode once the app
    # is mounted (on_mount). A MODES screen is mounted inside Textual's start-up batch: it parses
    # every stylesheet again, draws a first frame that is thrown away, and the finished screen
    # waits for the next frame. The default screen is drawn once, after the start: ~50 ms sooner.
    MODES: ClassVar[dict[str, Any]] = {p.mode: _loader(p.target) for p in PLACES if p != START}
    DEFAULT_MODE = START.mode
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(_keys(p), f"go('{p.mode}')", p.label, id=f"go-{p.mode}") for p in PLACES),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("escape", "back", "Back", show=False, id="back"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False, id="theme"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="undo"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, workspace: Workspace, *, demo: bool = False, welcome: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.fault: str | None = None
        """Why the app closed early (a damaged database, a full disk), in one line."""
        self.demo = demo
        self.welcome = welcome and not demo
        self.history: list[str] = []
        self.last_change: undo.Change | None = None
        """The app's last change to the notes, which ctrl+z takes back (one level)."""
        if demo:
            self.title = "caughtup · demo"
            self.sub_title = "sample data; your own is untouched"
        self._idle_sub_title = self.sub_title

    def _handle_exception(self, error: Exception) -> None:
        # A damaged database or a full disk met by a screen or a worker: close the app and say
        # it in one line (run_app prints it), as the CLI does; anything else is a bug to show.
        if self.fault is not None:
            return  # a screen that could not read its data fails again as the app closes
        fault = fault_words(error, self.workspace.home / DB_NAME)
        if fault is None:
            super()._handle_exception(error)
            return
        self.fault = fault
        self.exit(return_code=2)

    def _exit_if_terminal_gone(self) -> None:
        # Textual's input thread spins at full CPU once its terminal hangs up (tmux kill, a closed
        # ssh session): reads return EOF forever. Leave instead of burning a core in the dark.
        try:
            os.tcgetpgrp(sys.__stdin__.fileno() if sys.__stdin__ else -1)  # -1: EBADF
        except (OSError, ValueError):
            self.exit()

    def get_default_screen(self) -> Screen[Any]:
        return _loader(START.target)()

    def on_mount(self) -> None:
        # The default screen is open: its mode can now be switched back to.
        self.add_mode(START.mode, _loader(START.target))
        wanted = self.workspace.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.notify(
                f"Theme {wanted!r} is not installed; using {DARK}. ctrl+t switches light/dark.",
                title="Theme",
                severity="warning",
            )
            self.theme = DARK
        self.set_interval(LOOK_SECONDS, self.look_outside)
        if not self.is_headless:
            self.set_interval(2.0, self._exit_if_terminal_gone)
        self.call_after_refresh(self._delivery_notice)
        if not gc.isenabled():  # paused for the start (tracker.cli.main): back on after the paint
            self.call_after_refresh(gc.enable)
        if self.welcome and not self.workspace.settings.onboarded:
            from screens.onboarding import OnboardingScreen  # only on a first run

            self.push_screen(OnboardingScreen())

    def _delivery_notice(self) -> None:
        """A quiet toast when the last reminder could not be delivered (Settings says why)."""
        last = self.workspace.store.deliveries(1)
        if last and not last[0].ok and last[0].kind != "test":
            self.notify(
                f"The last reminder to {last[0].target} was not delivered "
                f"({last[0].at:%a %H:%M}); it is retried on the next run. Settings (o) says why.",
                title="Reminders",
                severity="warning",
                timeout=8,
            )

    # -- changes made outside the app ---------------------------------------------------------

    def on_app_focus(self) -> None:
        # Back from a terminal where the user may just have run `caughtup log`.
        self.look_outside()

    @store_work("outside", exclusive=False)
    def look_outside(self, ws: Workspace) -> OutsideChange | None:
        """Whether the data or the settings changed underneath the app (off the event loop)."""
        data, settings = ws.changes()
        return OutsideChange(data, settings) if data or settings else None

    @on(OutsideChange)
    def show_outside_change(self, message: OutsideChange) -> None:
        if message.settings:
            wanted = self.workspace.settings.theme
            if wanted != self.theme and wanted in self.available_themes:
                self.theme = wanted
        self.screen.post_message(OutsideChange(message.data, message.settings))

    # -- navigation -----------------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        """Open a screen; remember where we came from so Escape can return."""
        if mode == self.current_mode:
            return
        self.history = [m for m in self.history if m != self.current_mode][-10:]
        self.history.append(self.current_mode)
        self.switch_mode(mode)
        arrive = getattr(self.screen, "arrive", None)
        if callable(arrive):  # Today puts the cursor in its first empty field
            self.call_after_refresh(arrive)

    async def action_back(self) -> None:
        """Leave a text field, close a dialog, or return to the previous screen."""
        if is_text_field(self.screen.focused):
            self.screen.set_focus(None)
            return
        if len(self.screen_stack) > 1:
            self.pop_screen()
            return
        while self.history:
            mode = self.history.pop()
            if mode != self.current_mode:
                self.switch_mode(mode)
                return

    def action_help(self) -> None:
        from screens.help import HelpScreen  # Markdown widget: loaded on first use

        self.push_screen(HelpScreen(self.current_mode, self.screen))

    def action_open_demo(self) -> None:
        self.exit(OPEN_DEMO)

    def get_key_display(self, binding: Binding) -> str:
        key = binding.key
        if key[:1] == "f" and key[1:].isdigit():
            return key.upper()
        return super().get_key_display(binding)

    # -- undo -----------------------------------------------------------------------------------

    @on(DataChanged)
    def data_changed(self, message: DataChanged) -> None:
        # A screen's change bubbles up here after the screen has shown it: kept for ctrl+z.
        change = message.detail.get("change")
        if isinstance(change, undo.Change):
            self.last_change = change
        elif message.what == "undone":
            self.notify(f"Undone: {message.detail['what']}.", title="Undo")
            self.screen.post_message(OutsideChange(data=True, settings=False))

    def action_undo(self) -> None:
        change = self.last_change
        if change is None:
            self.notify("Nothing to undo: no change made in the app yet.", title="Undo")
            return
        self.last_change = None  # one level: a second ctrl+z does not undo the undo
        self.take_back(change)

    @store_work("undo", name="undo")
    def take_back(self, ws: Workspace, change: undo.Change) -> DataChanged:
        undo.undo(ws.store, change)
        return DataChanged("undone", {"what": change.what})

    # -- themes ---------------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK

    def watch_theme(self, theme: str) -> None:
        # The start-up's theme is the settings' own, or DARK (Textual's default, so no change)
        # in place of one not installed: only a theme the user picks is saved.
        if theme != self.workspace.settings.theme:
            self.save_theme(theme)

    @store_work("theme", failed="Could not remember the theme: ")
    def save_theme(self, ws: Workspace, theme: str) -> None:
        # An atomic write with fsync: off the event loop. The demo's choice stays in the demo.
        # Only the theme changes, on the file as it is now: never an older copy of the rest.
        ws.change_settings(lambda now: settings_mod.set_value(now, "theme", theme))

    @on(WorkFailed)
    def work_failed(self, message: WorkFailed) -> None:
        # A failed look for outside changes says nothing: the next one tries again, and the
        # screen's own reads say what is wrong.
        if message.what == "theme":
            self.notify(message.error, severity="warning")
        elif message.what == "undo":
            self.notify(message.error, title="Not undone", severity="warning", timeout=8)

    # -- long work ------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A word in the header while a screen's worker runs, so long work never looks frozen.

        Every state change (the screens forward theirs, see `Workplace`) looks at all workers, so
        a change whose message was lost with its closing screen is corrected at the next one; the
        app's own look for outside changes comes every few seconds.
        """
        running = [
            w
            for w in self.workers
            if w.state == WorkerState.RUNNING and isinstance(w.node, Workplace)
        ]
        label = f"working: {running[0].name.replace('_', ' ')} …" if running else ""
        self.sub_title = label or self._idle_sub_title


def _commands_provider() -> type[Any]:
    from screens.commands import CaughtupCommands

    return CaughtupCommands


def fault_words(error: BaseException, db: Path) -> str | None:
    """A fault of the data folder (not of the app) in one line, or None."""
    if isinstance(error, DatabaseProblem | DiskProblem):
        return str(error)
    if isinstance(error, sqlite3.DatabaseError):
        return error_words(error, db)
    return None


def make_app(home: Path | None = None, *, demo: bool = False, welcome: bool = False) -> CaughtupApp:
    """The one factory the CLI and the tests use; `welcome` offers onboarding on a first run."""
    return CaughtupApp(Workspace(home), demo=demo, welcome=welcome)


def run_app(home: Path | None = None) -> None:
    """Open the app; if the user asks for the demo, show it, then come back to their data."""
    while True:
        app = make_app(home, welcome=True)
        app.workspace.store  # noqa: B018 - a damaged database is reported before the app opens
        try:
            chosen = app.run()
        finally:
            app.workspace.close()  # the app's workers have finished: run() waited for them
        if app.fault:
            raise InputError(app.fault)
        if chosen != OPEN_DEMO:
            return
        run_demo(theme=app.theme)


def run_demo(theme: str = DARK) -> None:
    """The app on a fresh sample in a temporary folder, deleted when the app closes."""
    import tempfile

    from tracker import demo

    with tempfile.TemporaryDirectory(prefix="caughtup-demo-") as folder:
        home = Path(folder) / "home"
        print("Preparing the sample data…", flush=True)
        demo.build(home, theme=theme)
        app = make_app(home, demo=True)
        try:
            app.run()
        finally:
            app.workspace.close()
