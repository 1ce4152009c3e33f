"""The installed `caughtup` in a real terminal (tmux): first run, a check-in, every screen, quit.

Keys go in with `send-keys` and the screen comes back with `capture-pane`, as a person would see
it. A private tmux server (`-L`) keeps this away from any other tmux session.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import NOW

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

CAUGHTUP = Path(sys.executable).with_name("caughtup")


class Terminal:
    """One tmux window running a command at a fixed size."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return result.stdout

    def start(self, command: list[str], size: tuple[int, int] = (80, 24)) -> None:
        env = " ".join(f"{k}={v}" for k, v in self.env.items())
        self.tmux(
            "new-session", "-d", "-s", "e2e", "-x", str(size[0]), "-y", str(size[1]),
            f"env {env} {' '.join(command)}; echo EXITED $?; sleep 30",
        )  # fmt: skip

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)

    def back_to(self, text: str) -> str:
        """Escape until `text` shows: the first may only leave a text field."""
        for _ in range(3):
            self.keys("Escape")
            with contextlib.suppress(pytest.fail.Exception):
                return self.wait_for(text, timeout=3)
        pytest.fail(f"Escape never led back to {text!r}:\n{self.screen()}")

    def to_field(self, key: str) -> None:
        """A key that puts the cursor in another text field, and the wait until it is there:
        keys sent before the move lands would go to the old field (Textual moves focus through
        its message queue). The app keeps the terminal's cursor in the field it edits."""
        before = self.cursor()
        self.keys(key)
        self.until(lambda: self.cursor() != before, f"the cursor to leave {before} after {key}")

    def clear_field(self) -> None:
        """ctrl+u in the focused field, and the wait until it shows (letters arriving with it in
        one read of the terminal are lost: a person never types that fast)."""
        before = self.screen()
        self.keys("C-u")
        self.until(lambda: self.screen() != before, "the field cleared by ctrl+u")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def cursor(self) -> str:
        return self.tmux("display-message", "-p", "-t", "e2e", "#{cursor_x},#{cursor_y}").strip()

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """The screen once every text is on it; fails showing the screen otherwise."""
        shown = ""

        def on_screen() -> bool:
            nonlocal shown
            shown = self.screen()
            return all(t in shown for t in texts)

        self.until(on_screen, f"{texts!r} on screen", timeout, lambda: shown)
        return shown

    def until(
        self,
        ready: Callable[[], bool],
        what: str,
        timeout: float = 15.0,
        seen: Callable[[], str] | None = None,
    ) -> None:
        """Look every 50 ms until `ready()`; fail naming `what` (and the screen) otherwise."""
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what}:\n{seen() if seen else self.screen()}")
            time.sleep(0.05)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    socket = f"caughtup-e2e-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        "CAUGHTUP_HOME": str(tmp_path / "home"),
        "CAUGHTUP_NOW": NOW,
        "TZ": "UTC",
        "LANG": "en_IE.UTF-8",  # onboarding preselects the crisis country from it
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    term = Terminal(socket, env)
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_a_new_clinician_start_to_finish(
    terminal: Terminal, home: Path, run_json: Callable[..., object]
) -> None:
    assert CAUGHTUP.exists(), f"{CAUGHTUP} is not installed; run make test"
    terminal.start([str(CAUGHTUP)])

    # First run: the welcome, then every question kept at its default but the threshold.
    terminal.wait_for("Welcome to caughtup", "Explore the demo data first")
    terminal.keys("Enter")
    terminal.wait_for("Your time zone", "2 of 8")
    terminal.keys("Enter")
    terminal.wait_for("Your working days")
    terminal.keys("Enter")
    terminal.wait_for("Your threshold")
    terminal.clear_field()
    terminal.type("4")
    terminal.keys("Enter")
    terminal.wait_for("Catch-up blocks")
    terminal.to_field("Enter")
    terminal.to_field("Enter")
    terminal.keys("Enter")
    terminal.wait_for("Your country", "Ireland (IE)")
    terminal.keys("Enter")
    terminal.wait_for("Reminders (optional)")
    terminal.keys("Enter")
    shown = terminal.wait_for("All set", "Threshold      4 open notes")
    assert "Crisis info    Ireland" in shown
    terminal.keys("Enter")

    # Today: the form has the cursor, the footer shows the keys that work inside it.
    shown = terminal.wait_for("Check-in · Sun 22 Nov", "0 outstanding, threshold 4")
    assert "F2 Today" in shown and "F1 Help" in shown
    terminal.type("6")
    terminal.wait_for("Sessions held           6 ")
    terminal.to_field("Enter")
    terminal.type("3")
    terminal.wait_for("Notes written same day  3 ")
    terminal.to_field("Enter")
    terminal.to_field("Enter")
    terminal.type("40")
    terminal.wait_for("After-hours minutes     40 ")
    terminal.keys("C-s")
    shown = terminal.wait_for("3 outstanding, threshold 4", "watch")

    # Escape leaves the field: now the letters are the screen keys.
    terminal.keys("Escape")
    shown = terminal.wait_for("t Today", "? Help")
    terminal.keys("?")
    terminal.wait_for("Help", "Log the day in a few keystrokes")
    terminal.keys("End")
    terminal.wait_for("Triage. Catch up in this order", "P1 court-involved", "Late entries")
    terminal.keys("Escape")
    terminal.wait_for("Check-in · Sun 22 Nov")

    # Backlog: add a note owed from Thursday, then mark it written.
    terminal.keys("b")
    terminal.wait_for("3 outstanding", "a Add", "d Done")
    terminal.keys("a")
    terminal.wait_for("Add a note you owe", "Session date  2026-11-22")
    terminal.clear_field()
    terminal.type("2026-11-19")
    terminal.wait_for("Session date  2026-11-19")
    terminal.keys("C-s")
    shown = terminal.wait_for("4 outstanding", "19 Nov")
    added = re.search(r"^ *(\d+) +P\d .* 19 Nov", shown, re.MULTILINE)
    assert added, shown
    terminal.keys("C-End")  # the oldest, below today's three
    terminal.wait_for(f"#{added[1]}")  # its checklist beside
    terminal.keys("d")
    terminal.wait_for("Mark written", "session Thu 19 Nov")
    terminal.keys("Enter")
    terminal.wait_for("3 outstanding", "written")
    terminal.back_to("Check-in · Sun 22 Nov")
    terminal.wait_for("3 outstanding, threshold 4")

    # Every screen opens by its key, and Escape comes back.
    from screens.places import PLACES

    markers = {
        "selfcheck": "Press Enter to begin",
        "backlog": "Waiting on others",
        "sprint": "Block done: notes",
        "trends": "Outstanding notes at each week's end",
        "settings": "Rules and days",
    }
    for place in PLACES:
        if place.mode == "today":
            continue
        terminal.keys(place.key)
        terminal.wait_for(markers[place.mode])
        terminal.back_to("Check-in · Sun 22 Nov")

    # Quit: the process ends cleanly and the check-in is in the data folder.
    terminal.keys("q")
    terminal.wait_for("EXITED 0")
    status = run_json("status")
    assert status["outstanding"] == 3 and status["threshold"] == 4  # type: ignore[index]
    assert "onboarded = true" in (home / "settings.toml").read_text()


def test_arriving_on_today_focuses_the_form_and_escape_only_leaves_the_field(
    tmp_path: Path, run: Callable[..., object]
) -> None:
    run("config", "onboarded", "true")
    socket = f"h21tui-focus-{os.getpid()}-{time.monotonic_ns()}"
    env = {"CAUGHTUP_HOME": str(tmp_path / "home"), "CAUGHTUP_NOW": NOW, "TZ": "UTC"}
    term = Terminal(socket, {**env, "TERM": "xterm-256color"})
    try:
        term.start([str(CAUGHTUP)])
        term.wait_for("Check-in ·")
        term.keys("Escape")  # leaves the field; then letters are keys
        term.until(lambda: "F2 Today" not in term.screen(), "the letter keys in the footer")
        term.keys("b")
        term.wait_for("outstanding  P1")
        term.keys("t")  # back on Today: the cursor in the first empty field
        term.wait_for("Check-in ·", "F2 Today")
        term.type("3")
        term.wait_for("Sessions held           3")
        term.keys("Escape")  # only leaves the field: still on Today
        term.until(lambda: "F2 Today" not in term.screen(), "the field left")
        assert "Check-in ·" in term.screen() and "outstanding  P1" not in term.screen()
        term.keys("b")  # letters are keys again
        term.wait_for("outstanding  P1")
    finally:
        term.tmux("kill-server")
