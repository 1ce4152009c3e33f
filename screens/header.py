"""The Header every screen uses: Textual's Header (icon, title, clock space) drawn by one widget.

It looks and behaves like Textual's (the icon opens the command palette and lights up under the
mouse with its tooltip; a click elsewhere makes the header tall, another makes it short) but
draws the icon and the title as text: Textual's Header is four widgets (the header, its icon,
title and clock space), and styling and placing those cost the first screen about 7 ms.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

ICON = "⭘"
# The cells Textual's HeaderIcon and HeaderClockSpace take at the left and the right.
ICON_WIDTH, CLOCK_WIDTH = 8, 10


class Header(Widget):
    """The app's (or the screen's) title and sub-title, centred, with the palette's icon."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"header--icon-hover"}
    # Textual's Header and HeaderIcon styles, for the same look.
    DEFAULT_CSS = """
    Header {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        &.-tall {
            height: 3;
        }
        .header--icon-hover {
            background: $foreground 10%;
        }
    }
    """

    icon_hovered: reactive[bool] = reactive(False)
    """Whether the mouse is over the icon."""

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = app.format_title(
            app.title if screen.title is None else screen.title,
            app.sub_title if screen.sub_title is None else screen.sub_title,
        )
        room = max(0, self.size.width - ICON_WIDTH - CLOCK_WIDTH)
        title = title.truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        title = title.pad(left, room - title.cell_length - left)
        icon, blank = Content(f" {ICON}".ljust(ICON_WIDTH)), Content(" " * ICON_WIDTH)
        if self.icon_hovered:
            hover = Style(self.get_visual_style("header--icon-hover").background)
            icon, blank = icon.stylize(hover), blank.stylize(hover)
        if not self.has_class("-tall"):
            return Content.assemble(icon, title, " " * CLOCK_WIDTH)
        # Tall, as Textual's: the title stays on the top row, the icon centred in its column.
        return Content("\n").join([Content.assemble(blank, title), icon, blank])

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.icon_hovered = event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE
        self.tooltip = "Open the command palette" if self.icon_hovered else None

    def on_leave(self) -> None:
        self.icon_hovered = False

    def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            self.app.action_command_palette()
        else:
            self.toggle_class("-tall")
