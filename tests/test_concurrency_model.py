"""A hypothesis state machine: the app, the command line and cron's `remind` take turns on one
data folder, each in its own process, and the data always matches a model of what each was
told to do. After any step the app, once it looks, shows what the command line shows.
"""

from __future__ import annotations

import sqlite3
import tempfile
import tomllib
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.app_driver import AppProcess
from tests.http_sink import serve
from tests.processes import Runner

THEMES = {"textual-dark": "textual-light", "textual-light": "textual-dark"}
TODAY = 22  # the pinned clock's day (tests.conftest.NOW)


def no_failure(answer: dict[str, Any]) -> None:
    assert "error" not in answer, answer
    assert not [t for t in answer["toasts"] if t.startswith(("Not saved", "Settings"))], answer


class Together(RuleBasedStateMachine):
    """One data folder; the model holds every note's state, the day's check-in and settings."""

    folder: Path  # set by the test: a RAM folder when there is one

    def __init__(self) -> None:
        super().__init__()
        self.stack = ExitStack()
        self.home = Path(self.stack.enter_context(tempfile.TemporaryDirectory(dir=self.folder)))
        self.sink = self.stack.enter_context(serve())
        self.cli = Runner(self.home)
        self.stack.callback(self.cli.close)
        for key, value in (
            ("notify.urls", self.sink.url()),
            ("notify.weekends", "true"),  # the pinned clock is a Sunday evening
            ("notify.quiet_hours", ""),
        ):
            self.cli.json("config", key, value)
        self.app = self.stack.enter_context(AppProcess(self.home))
        self.notes: dict[int, dict[str, Any]] = {}  # id -> written, billed, client
        self.day: dict[str, int | None] | None = None
        # Today's notes without details (from the check-in) still open, and today's itemized
        # notes: an itemized note added for a logged day takes the place of an open one
        # (tracker.checkin.place), or counts as one session more when none is left.
        self.anonymous_open = 0
        self.today_notes: set[int] = set()
        self.theme, self.threshold, self.sent = "textual-dark", 5, 0

    def teardown(self) -> None:
        try:
            self.app.quit()
            with sqlite3.connect(self.home / "caughtup.db") as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            self.stack.close()

    def open_ids(self) -> list[int]:
        return sorted(i for i, n in self.notes.items() if not n["written"])

    # -- the command line ---------------------------------------------------------------------

    @rule(client=st.sampled_from(["C7", "JD", "K2"]), day=st.integers(17, 22))
    def cli_add(self, client: str, day: int) -> None:
        note = self.cli.json("add", "--date", f"2026-11-{day}", "--client", client)
        assert note["id"] not in self.notes, "an id given twice"
        self.notes[note["id"]] = {"written": False, "billed": False, "client": client}
        if day == TODAY:
            self.today_notes.add(note["id"])
            if self.anonymous_open:
                self.anonymous_open -= 1
            elif self.day is not None:
                self.day["sessions"] = (self.day["sessions"] or 0) + 1

    @precondition(lambda self: self.open_ids())
    @rule(data=st.data())
    def cli_done(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self.open_ids()))
        self.cli.json("done", str(item_id))
        self.notes[item_id]["written"] = True

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), billed=st.booleans())
    def cli_edit(self, data: st.DataObject, billed: bool) -> None:
        item_id = data.draw(st.sampled_from(sorted(self.notes)))
        self.cli.json("edit", str(item_id), "--billed" if billed else "--no-billed")
        self.notes[item_id]["billed"] = billed

    @rule(data=st.data(), sessions=st.integers(0, 6), after_hours=st.integers(0, 90))
    def cli_log(self, data: st.DataObject, sessions: int, after_hours: int) -> None:
        written = data.draw(st.integers(0, sessions))
        self.cli.json(
            "log", "--sessions", str(sessions), "--written", str(written),
            "--after-hours", str(after_hours),
        )  # fmt: skip
        self.day = {"sessions": sessions, "written": written, "after_hours": after_hours}
        self.day["dread"] = None
        # tracker.checkin.reconcile: today's itemized notes count towards the totals first
        # (a note marked written here is written today, the pinned clock's day).
        itemized = len(self.today_notes)
        written_today = sum(1 for i in self.today_notes if self.notes[i]["written"])
        room = max(0, sessions - itemized)
        self.anonymous_open = room - min(max(0, written - written_today), room)

    @rule(threshold=st.integers(1, 20))
    def cli_threshold(self, threshold: int) -> None:
        self.cli.json("config", "rules.threshold", str(threshold))
        self.threshold = threshold

    @rule()
    def remind(self) -> None:
        report = self.cli.json("remind")
        assert report["failed"] == 0
        self.sent += report["sent"]
        assert len(self.sink.messages) == self.sent
        assert not any(
            n["client"] in str(m) for m in self.sink.messages for n in self.notes.values()
        )

    # -- the app --------------------------------------------------------------------------------

    @precondition(lambda self: self.open_ids())
    @rule(data=st.data())
    def app_done(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self.open_ids()))
        no_failure(self.app.do(do="done", id=item_id))
        self.notes[item_id]["written"] = True

    @precondition(lambda self: self.day is not None)
    @rule(dread=st.integers(0, 4))
    def app_dread(self, dread: int) -> None:
        no_failure(self.app.do(do="checkin", fields={"dread": str(dread)}))
        assert self.day is not None
        self.day["dread"] = dread

    @rule(threshold=st.integers(1, 20))
    def app_threshold(self, threshold: int) -> None:
        no_failure(self.app.do(do="setting", key="rules.threshold", value=str(threshold)))
        self.threshold = threshold

    @rule()
    def app_theme(self) -> None:
        assert self.app.do(do="theme")["theme"] == THEMES[self.theme]
        self.theme = THEMES[self.theme]

    @rule()
    def app_shows_what_the_cli_shows(self) -> None:
        shown = self.app.do(do="look", screen="backlog")["shown"]["rows"]
        assert shown == [i["id"] for i in self.cli.json("backlog")["items"]]

    # -- the data -------------------------------------------------------------------------------

    @invariant()
    def the_data_matches_the_model(self) -> None:
        with sqlite3.connect(self.home / "caughtup.db") as conn:
            notes = {
                i: {"written": w is not None, "billed": bool(b), "client": c}
                for i, w, b, c in conn.execute(
                    "SELECT id, written_at, billed, client_ref FROM items WHERE source = 'item'"
                )
            }
            day = conn.execute("SELECT sessions, written, after_hours, dread FROM days").fetchall()
            sent = conn.execute("SELECT count(*) FROM deliveries WHERE ok").fetchone()[0]
        assert notes == self.notes
        assert day == ([tuple(self.day.values())] if self.day else [])
        assert sent == self.sent
        stored = tomllib.loads((self.home / "settings.toml").read_text())
        assert (stored["theme"], stored["rules"]["threshold"]) == (self.theme, self.threshold)
        assert stored["notify"]["urls"] == [self.sink.url()]


def test_the_app_the_cli_and_remind_take_turns(fast_dir: Path) -> None:
    Together.folder = fast_dir
    run_state_machine_as_test(
        Together,
        settings=settings(
            max_examples=3,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
