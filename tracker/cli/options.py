"""What the commands share: option types with one-line errors, JSON output, the workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

import click

from tracker import files
from tracker.cli.output import json_text
from tracker.clock import DATE_RANGE, TIME_HINT, clock_time, date_in_range
from tracker.errors import InputError
from tracker.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


class Bounded(click.ParamType[int, Any]):
    """A whole number in [lo, hi], with an error that names the value and the range."""

    name = "integer"

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(
                    f"{_opt(param)} must be a whole number from {self.lo} to {self.hi}, got {value!r}"
                )
        if not self.lo <= number <= self.hi:
            self.fail(f"{_opt(param)} must be {self.lo} to {self.hi}, got {number}")
        return number


ITEM_ID = Bounded(1, 2**63 - 1)
"""An item's id: SQLite's INTEGER holds no more, so a larger number is an error, not a crash."""


class DateType(click.ParamType[date, Any]):
    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{_opt(param)} must be a date as YYYY-MM-DD, got {value!r}")
        if not date_in_range(day):
            self.fail(f"{_opt(param)} must be a date {DATE_RANGE}, got {value!r}")
        return day


class TimeType(click.ParamType[time, Any]):
    """A session's clock time, read as an EHR import reads it (9:00, 14:00, 2:00 PM)."""

    name = "HH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> time:
        if isinstance(value, time):
            return value
        try:
            return clock_time(str(value))
        except ValueError:
            self.fail(f"{_opt(param)} must be {TIME_HINT}, got {value!r}")


class DateTimeType(click.ParamType[datetime, Any]):
    name = "datetime"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{_opt(param)} must be a date-time like 2026-11-22T17:30, got {value!r}")
        if not date_in_range(moment):
            self.fail(f"{_opt(param)} must be a date-time {DATE_RANGE}, got {value!r}")
        return moment


def _opt(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    return param.opts[0] if param.opts else param.name or "value"


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def workspace() -> Workspace:
    """The user's workspace, one per command (an option type may ask for it too), closed when
    the command ends."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return Workspace()
    root = ctx.find_root()
    ws: Workspace | None = root.meta.get("caughtup.workspace")
    if ws is None:
        ws = root.meta["caughtup.workspace"] = Workspace()
        root.call_on_close(ws.close)
    return ws


def output_path(flag: str, path: Path, ws: Workspace, *, folder: bool = False) -> Path:
    """Refuse an output path that cannot be written before anything changes (see
    `tracker.files.output_target`); the message names the flag."""
    try:
        files.output_target(path, ws.home, folder=folder)
    except InputError as exc:
        raise InputError(f"{flag} {exc}") from None
    return path


def localize(moment: datetime, ws: Workspace) -> datetime:
    """A user-typed date-time: local when it has no offset."""
    return moment.replace(tzinfo=ws.tz) if moment.tzinfo is None else moment.astimezone(ws.tz)
