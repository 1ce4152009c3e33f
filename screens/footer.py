"""The Footer every screen uses: the screen's own keys on one row, the screen keys on another.

Textual's Footer lists the focused widget's keys first and the app's last, so at 80 columns a
screen with a few actions pushed the screen keys off the edge. Two rows keep both in view: what
you can do here, and where you can go (plus Help). Below 110 columns every cell counts: the keys
go compact and the palette's key is left out (ctrl+p still opens it; Help lists it).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer as TextualFooter

# Actions that belong on the "where you can go" row.
NAV_ACTIONS = ("go(", "help", "quit", "command_palette")
# Narrower than this, the Footer is compact.
COMPACT_BELOW = 110


def _is_nav(widget: object) -> bool:
    action = getattr(widget, "action", None)
    return isinstance(action, str) and action.startswith(NAV_ACTIONS)


class Footer(TextualFooter):
    """Textual's Footer in two rows when the screen has keys of its own."""

    DEFAULT_CSS = """
    Footer { layout: vertical; height: auto; max-height: 2; }
    Footer > .footer-row { height: 1; width: 1fr; }
    Footer.-compact FooterKey.-command-palette { display: none; }
    """

    def __init__(self) -> None:
        # Its width is the terminal's: known now, so the first screen is styled once, not twice.
        super().__init__(compact=self.app.size.width < COMPACT_BELOW)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        own = [w for w in widgets if not _is_nav(w)]
        nav = [w for w in widgets if _is_nav(w)]
        for row in (own, nav):
            if row:
                yield HorizontalGroup(*row, classes="footer-row")
