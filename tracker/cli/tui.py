"""Opening the Textual app: the one door from the command to `screens`, inside `open_app`."""

from __future__ import annotations


def open_app(*, demo: bool = False) -> None:
    """Run the app on the user's data, or on a sample in a temporary folder (`demo`)."""
    from screens.app import run_app, run_demo  # textual costs ~250 ms: only when the TUI opens

    if demo:
        run_demo()
    else:
        run_app()
