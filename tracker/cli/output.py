"""What the command prints that the click-free fast path prints too: JSON and the status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.workspace import Workspace


def json_text(data: Any) -> str:
    """How every command prints JSON: one indented document, dates and times as ISO text."""
    import json

    return json.dumps(data, indent=2, default=str)


def status_output(ws: Workspace, *, as_json: bool, short: bool) -> str:
    """What `caughtup status` prints; the click command and the fast path share it."""
    from tracker.summary import current_status, human_lines, short_line

    st = current_status(ws)
    if as_json:
        return json_text(st.to_json())
    if short:
        line = short_line(st, ws.settings.rules)
        if ws.settings.status.show_streak:
            from tracker import habit  # only with the setting on

            line += " · " + habit.short_streak(
                habit.current_streak(ws.store, ws.settings, ws.now())
            )
        return line
    return "\n".join(human_lines(st, ws.settings.rules))
