"""Messages the screens' workers post back to the event loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # for the types only: these load when the screens that send them open
    from tracker.habit import Habit
    from tracker.records import Delivery
    from tracker.sprint import SprintPlan
    from tracker.trends import Burndown, Week


@dataclass
class DataChanged(Message):
    """Something was written to the store; screens showing data refresh."""

    what: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkFailed(Message):
    """A worker could not finish; the message is shown to the user as is."""

    what: str
    error: str


@dataclass
class FileSaved(Message):
    """A worker wrote a file for the user (a printed summary, an export)."""

    what: str
    path: str


@dataclass
class TrendsLoaded(Message):
    """The Trends screen's worker read the weeks (and the sprint's burndown, if one runs)."""

    weeks: list[Week]
    burndown: Burndown | None = None
    habit: Habit | None = None
    """The same-day habit, for the heatmap."""


@dataclass
class HabitRead(Message):
    """A worker read the same-day habit's figures (all history: off the first paint)."""

    habit: Habit


@dataclass
class NotificationsSent(Message):
    """A worker sent notifications; one outcome per URL (masked, never the URL itself)."""

    results: list[Delivery]


@dataclass
class SprintReady(Message):
    """A sprint plan to show, with its burndown; `note` is a line for the user, if any."""

    plan: SprintPlan
    planned: list[tuple[date, int]]
    actual: list[tuple[date, int]]
    note: str = ""


@dataclass
class WhatIfAnswered(Message):
    """The Sprint screen's what-if (`whatif.lines`): when caught up with fewer sessions a week."""

    lines: list[str]


@dataclass
class OutsideChange(Message, bubble=False):
    """Another process (or another screen) changed the data or the settings: show them anew.

    The app looks every few seconds and when its terminal regains focus, and sends this to the
    screen in view; the others catch up when they are shown again (their ScreenResume).
    """

    data: bool
    settings: bool


@dataclass
class CalendarSynced(Message):
    """A calendar sync finished: what it did, in words (counts only)."""

    lines: list[str]
