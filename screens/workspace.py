"""The data folder the app is open on, typed, from any screen or widget."""

from __future__ import annotations

from textual.message_pump import MessagePump

from tracker.workspace import Workspace


def workspace(node: MessagePump) -> Workspace:
    """The app's `Workspace` (Textual types `node.app` as a plain App, which has none)."""
    # Looked up rather than `CaughtupApp` imported: screens.app opens the screens, so the screens
    # importing it back would make a circle.
    found = getattr(node.app, "workspace", None)
    if not isinstance(found, Workspace):
        raise TypeError(f"{type(node.app).__name__} has no workspace: make it with make_app()")
    return found
