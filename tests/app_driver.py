"""The real app in a process of its own, driven through Textual's pilot by lines on stdin.

`python -m tests.app_driver` (with CAUGHTUP_HOME set) opens the app and answers each JSON line
on stdin with one JSON line on stdout, so a test can interleave what a person does in the app
with `caughtup` commands run as other processes. Each answer carries the toasts the app showed
meanwhile ("Not saved: ..." is how a failed write shows), and what the screen in view shows.

Commands: {"do": "done", "id": N} marks a note written on the Backlog screen; {"do": "checkin",
"fields": {"dread": "3"}} types into the Today form and saves; {"do": "setting", "key": K,
"value": V} types a setting on the Settings screen; {"do": "theme"} presses ctrl+t; {"do":
"look", "screen": "backlog"} shows a screen after the app looked for outside changes (as when
its terminal regains focus); {"do": "quit"}.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from screens.app import CaughtupApp, make_app
from screens.glance import Glance
from screens.late_entry import LateEntry
from screens.note_table import NoteTable
from screens.settings import _fid

MODES = {"today": "t", "backlog": "b", "settings": "o"}


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def go(pilot: Pilot[Any], mode: str) -> None:
    app = pilot.app
    if app.current_mode != mode:
        app.screen.set_focus(None)  # a text field takes letters as text
        await pilot.press(MODES[mode])
        await settle(pilot)
    assert app.current_mode == mode, app.current_mode


async def look(pilot: Pilot[Any]) -> None:
    """What the app does when its terminal regains focus: look for outside changes."""
    pilot.app.post_message(events.AppFocus())
    await settle(pilot)


async def type_into(pilot: Pilot[Any], field: Input, text: str) -> None:
    field.focus()
    await pilot.pause()
    await pilot.press("home", "ctrl+k", *text)  # to the start, delete all after it, type


def shown(app: CaughtupApp) -> dict[str, Any]:
    """What the screen in view shows, in a form a test can compare with the data."""
    screen = app.screen
    if app.current_mode == "backlog":
        return {"rows": [int(key) for key in screen.query_one(NoteTable).keys]}
    if app.current_mode == "today":
        fields = {f.id: f.value for f in screen.query(Input)}
        error = str(screen.query_one("#checkin-error", Static).render())
        return {"fields": fields, "glance": str(screen.query_one(Glance).render()), "error": error}
    if app.current_mode == "settings":
        return {"fields": {f.id: f.value for f in screen.query(Input)}}
    return {}


async def run(command: dict[str, Any], pilot: Pilot[Any]) -> dict[str, Any]:
    app = pilot.app
    do = command["do"]
    if do == "done":
        await go(pilot, "backlog")
        await look(pilot)
        table = app.screen.query_one(NoteTable)
        keys = table.keys
        if str(command["id"]) not in keys:
            return {"error": f"note {command['id']} is not listed"}
        table.focus()
        table.move_cursor(row=keys.index(str(command["id"])))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")  # "Mark written now" has the focus
        await settle(pilot)
        if isinstance(app.screen, LateEntry):
            await pilot.press("escape")
            await settle(pilot)
    elif do == "checkin":
        await go(pilot, "today")
        for name, text in command["fields"].items():
            await type_into(pilot, app.screen.query_one(f"#{name}", Input), text)
        await pilot.press("ctrl+s")
        await settle(pilot)
    elif do == "setting":
        await go(pilot, "settings")
        await type_into(
            pilot, app.screen.query_one(f"#{_fid(command['key'])}", Input), command["value"]
        )
        await pilot.press("enter")
        await settle(pilot)
    elif do == "theme":
        await pilot.press("ctrl+t")
        await settle(pilot)
    elif do == "look":
        await go(pilot, command["screen"])
        await look(pilot)
    return {"theme": app.theme}


async def main() -> None:
    app = make_app()
    toasts: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        toasts.append(f"{kwargs.get('title', '')}: {message}")
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        print(json.dumps({"ready": True}), flush=True)
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            command = json.loads(line)
            if command["do"] == "quit":
                break
            try:
                answer = await run(command, pilot)
            except Exception as exc:  # the test shows it; the app stays up for the next command
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            answer.update(toasts=toasts[:], shown=shown(app))
            toasts.clear()
            print(json.dumps(answer), flush=True)
    print(json.dumps({"quit": True}), flush=True)


class AppProcess:
    """The client side: the app in its own process, one command at a time."""

    def __init__(self, home: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.app_driver"],
            env={**os.environ, **(env or {}), "CAUGHTUP_HOME": str(home)},
            cwd=Path(__file__).parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._answer() == {"ready": True}

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=10)
            raise AssertionError(
                f"the app exited: {self.proc.stderr.read() if self.proc.stderr else ''}"
            )
        answer: dict[str, Any] = json.loads(line)
        return answer

    def do(self, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def quit(self) -> None:
        if self.proc.poll() is None:
            assert self.do(do="quit") == {"quit": True}
            self.proc.wait(timeout=30)

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.quit()
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


if __name__ == "__main__":
    asyncio.run(main())
