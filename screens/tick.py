"""A checkbox whose mark reads without colour (NO_COLOR): ✓ when ticked, empty when not."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class Tick(Checkbox):
    """Textual's Checkbox draws "X" in both states and tells them apart by colour alone."""

    def render(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()
