"""Slow work off the event loop, the one way: SQLite writes, settings, notifications, a PDF.

`@store_work("what")` makes a method a Textual thread worker (`@work(thread=True)`). The method
gets the workspace, whose `store` is the worker thread's own SQLite connection, and returns the
message(s) to post back to its screen (or None). A bad value, a full disk or a locked database
comes back as one `WorkFailed(what, words)` instead; any other error is a bug, which Textual shows.

A screen that runs work mixes in `Workplace`, so the header's busy word follows its workers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker

from screens.messages import WorkFailed
from screens.workspace import workspace
from tracker.errors import InputError, spoken
from tracker.workspace import Workspace

P = ParamSpec("P")
Node = TypeVar("Node", bound=DOMNode)
Reply = Message | Iterable[Message] | None
# What a user can meet and fix (bad input, a full disk, a locked or damaged database), said in
# one line; anything else is a bug and reaches Textual's error screen.
EXPECTED = (InputError, OSError, sqlite3.Error)


def store_work(
    what: str,
    *,
    group: str = "",
    exclusive: bool = True,
    failed: str = "",
    labels: Mapping[str, str] | None = None,
    name: str = "",
) -> Callable[
    [Callable[Concatenate[Node, Workspace, P], Reply]], Callable[Concatenate[Node, P], Worker[None]]
]:
    """Run the method in a thread worker of its screen (group `what` unless `group`), exclusive
    unless said otherwise; post what it returns, or `WorkFailed(what, failed + the error)`.

    `labels` names a `FieldError`'s field as the screen labels it; `name` is the header's
    "working: ..." word (by default the method's name).
    """

    def decorate(
        method: Callable[Concatenate[Node, Workspace, P], Reply],
    ) -> Callable[Concatenate[Node, P], Worker[None]]:
        @wraps(method)
        def run(node: Node, /, *args: P.args, **kwargs: P.kwargs) -> None:
            try:
                reply = method(node, workspace(node), *args, **kwargs)
            except EXPECTED as exc:
                node.post_message(WorkFailed(what, failed + said(exc, labels or {})))
                return
            for message in [reply] if isinstance(reply, Message) else reply or ():
                node.post_message(message)

        worker = work(thread=True, exclusive=exclusive, group=group or what, name=name)
        return worker(run)

    return decorate


def said(error: Exception, labels: Mapping[str, str]) -> str:
    """The error in one line, each field it mentions named by the screen's label for it."""
    if isinstance(error, InputError):
        return error.words(lambda field: labels.get(field, spoken(field)))
    return str(error)


class Workplace(MessagePump):
    """Mixed into a screen that runs workers: the app's header says while they run."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker's state goes to the node that started it and does not bubble; the app, whose
        # header shows "working: …", hears of a screen's work from here.
        self.app.post_message(event)
