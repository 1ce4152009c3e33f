"""The at-a-glance panel: outstanding against the threshold, breaches, the backlog's age."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tracker import rules
from tracker.settings import Rules
from tracker.summary import human_lines

STATE_STYLE = {"ok": "bold $success", "watch": "bold $warning", "reached": "bold $error"}


class Glance(Static):
    """Renders a `rules.Status` as words (every state also has a word, never colour alone)."""

    DEFAULT_CSS = """
    Glance { height: auto; }
    """

    def show(self, st: rules.Status, rule_set: Rules, unlogged: bool = False) -> None:
        """`unlogged`: yesterday was a working day and is not logged (offer to log it)."""
        text = Text()
        for line in human_lines(st, rule_set, "not_logged" if unlogged else None):
            text.append(line + "\n")
        if unlogged:
            text.append("Log it: Esc, then l (the form takes yesterday).\n", style="bold")
        if st.threshold_state == "reached":
            text.append(
                "\nThe threshold is reached: a short catch-up today stops it growing. "
                "The backlog is fixable.",
                style="italic",
            )
        elif st.outstanding == 0:
            text.append("\nNothing outstanding. Well kept.", style="italic")
        self.update(text)
        self.set_class(st.threshold_state == "reached", "-reached")
        self.set_class(st.threshold_state == "watch", "-watch")
