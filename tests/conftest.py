"""Shared fixtures: a temporary data folder, a pinned clock, and a CLI runner."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result
from textual import events
from textual.message import Message
from textual.notifications import Notify

from tracker.cli.group import cli

if TYPE_CHECKING:
    from textual.pilot import Pilot

NOW = "2026-11-22T18:00"  # a Sunday evening


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test gets an empty data folder, UTC, and a fixed clock unless it changes them."""
    monkeypatch.setenv("CAUGHTUP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CAUGHTUP_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder in RAM when there is one, for tests of processes rather than disks (SIGKILL
    safety does not depend on fsync: the page cache survives a killed process; races are about
    locks): a fsync costs 20 ms on this machine's disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        yield Path(folder)


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run `caughtup ARGS...` in-process; returns click's Result (stdout, stderr, exit_code)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def run_json(run: Callable[..., Result]) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        result = run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def digest(home: Path) -> str:
    """A hash of everything in the data folder, to prove a rejected command changed nothing."""
    h = hashlib.sha256()
    if home.exists():
        for path in sorted(home.rglob("*")):
            if not path.is_file() or path.name.endswith(("-wal", "-shm")):
                continue
            h.update(path.name.encode())
            if path.suffix == ".db":  # the logical content: checkpoints may rewrite pages
                conn = sqlite3.connect(path)
                h.update("\n".join(conn.iterdump()).encode())
                conn.close()
            else:
                h.update(path.read_bytes())
    return h.hexdigest()


async def until(
    pilot: Pilot[Any], ready: Callable[[], bool], what: str, seconds: float = 10.0
) -> None:
    """Let the app run until `ready()` holds, each look after its queued messages are handled;
    fail naming `what` after `seconds` (a generous limit, for a slow CI host)."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still not so after {seconds:g} s")
        await pilot.pause()


class Notices(list[str]):
    """The notifications an app shows, as they are sent: `run_test(message_hook=n.hook)`."""

    def hook(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.append(message.notification.message)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste `text` into the focused field as a terminal delivers a paste, in one event (the
    pilot waits for the app twice after each key it presses: a URL typed is seconds)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def settled(pilot: Pilot[Any]) -> None:
    """Wait for the app's workers, and for the header to drop its "working" word: it follows
    the workers' state messages, which arrive after the work ends. A snapshot must not catch it."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await until(pilot, lambda: not app.sub_title.startswith("working"), "the header says working")
