"""A table that draws only the rows in view (Textual's Line API), for the Backlog's long list.

DataTable measures every cell it is given and, as its line cache is keyed on the cursor,
draws every line in view again on each cursor move: with 2,000 notes (80x24) the Backlog
showed after 321 ms and a move cost 17 ms of the app's CPU (bench/run --only Backlog). This
table holds its rows as keys and a function that makes a row's cells: a row's cells are made
when it first comes into view, and a cursor move draws two lines again: 239 ms and 7 ms
(the same bench, its 3M-step loop 119 ms against 124 before).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cells = Sequence[Text]


class NoteTable(ScrollView, can_focus=True):
    """Rows of cells under a header that stays in view, with a row cursor and zebra stripes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "note-table--header",
        "note-table--even-row",
        "note-table--cursor",
        "note-table--hover",
    }
    # DataTable's look (its DEFAULT_CSS in Textual 8.2), for the rows, header and cursor.
    DEFAULT_CSS = """
    NoteTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .note-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .note-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .note-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .note-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .note-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .note-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .note-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .note-table--hover {
            background: $block-hover-background;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "move(-1)", "Cursor up", show=False),
        Binding("down", "move(1)", "Cursor down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "to(0)", "First row", show=False),
        Binding("end,ctrl+end", "to(-1)", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    class Selected(Message):
        """Enter, or a click, on the cursor's row."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self, *, highlighted: Callable[[str], None] | None = None, id: str | None = None
    ) -> None:
        """`highlighted(key)` is called as the cursor comes to another row: at once, not as a
        message, so that what it changes is drawn in the same frame as the cursor (a message
        came a frame later in 24 of 40 moves, and each frame cost ~3 ms at 80x24)."""
        super().__init__(id=id)
        self._highlighted = highlighted
        self.columns: list[tuple[str, int]] = []
        """Each column's label and width (without the space either side)."""
        self.keys: list[str] = []
        """Each row's key, top to bottom."""
        self.cursor_row = 0
        self.hover_row: int | None = None
        """The row under the mouse, until a key moves the cursor."""
        self._make_cells: Callable[[int], Cells] = lambda _: []
        self._cells: dict[int, Cells] = {}
        self._lines: dict[tuple[int, bool, bool], Strip] = {}
        self._styles: dict[str, Style] = {}

    @property
    def row_count(self) -> int:
        return len(self.keys)

    @property
    def current_key(self) -> str | None:
        return self.keys[self.cursor_row] if self.keys else None

    def show(
        self,
        columns: Sequence[tuple[str, int]],
        keys: list[str],
        cells: Callable[[int], Cells],
        cursor: int = 0,
    ) -> None:
        """Show these rows: `cells(n)` makes row n's cells, when it first comes into view."""
        self.columns, self.keys, self._make_cells = list(columns), keys, cells
        self._cells.clear()
        self._lines.clear()
        self.cursor_row, self.hover_row = max(0, min(cursor, len(keys) - 1)), None
        width = sum(w + 2 for _, w in self.columns)
        self.virtual_size = Size(width, len(keys) + 1)  # the header is the first line
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()

    def row_cells(self, row: int) -> Cells:
        """Row `row`'s cells (made now if not yet)."""
        if row not in self._cells:
            self._cells[row] = self._make_cells(row)
        return self._cells[row]

    def move_cursor(self, row: int) -> None:
        """Put the cursor on row `row` (kept within the rows) and scroll it into view."""
        if not self.keys:
            return
        row = max(0, min(row, len(self.keys) - 1))
        self._hover(None)
        old, self.cursor_row = self.cursor_row, row
        self._scroll_to_cursor()
        if row != old:
            # Lines count from the header: row n is line n + 1.
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
            if self._highlighted is not None:
                self._highlighted(self.keys[row])

    # -- keys and mouse -------------------------------------------------------------------------

    def action_move(self, by: int) -> None:
        self.move_cursor(self.cursor_row + by)

    def action_page(self, pages: int) -> None:
        self.move_cursor(self.cursor_row + pages * max(1, self._rows_in_view()))

    def action_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self.keys) - 1)

    def action_select(self) -> None:
        if self.keys:
            self.post_message(self.Selected(self.keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        # As DataTable: a click moves the cursor, a click on the cursor's row selects it.
        row = self._row_at(event.y)
        if row is None:
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row)
        self._hover(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._row_at(event.y))

    def on_leave(self) -> None:
        self._hover(None)

    def _row_at(self, y: int) -> int | None:
        """The row at line `y` of the widget, if any (not the header)."""
        row = int(self.scroll_offset.y) + y - 1
        return row if y >= 1 and 0 <= row < len(self.keys) else None

    def _hover(self, row: int | None) -> None:
        if row != self.hover_row:
            for line in (self.hover_row, row):
                if line is not None:
                    self.refresh_line(line + 1)
            self.hover_row = row

    def on_resize(self) -> None:
        self._lines.clear()  # drawn to the width
        self._scroll_to_cursor()

    # -- drawing --------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Focus, the theme or NO_COLOR changed the styles that the kept lines were drawn in.
        super().notify_style_update()
        self._styles.clear()
        self._lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y - 1
        if y == 0:
            line = self._line(-1)
        elif row < len(self.keys):
            line = self._line(row)
        else:
            return Strip.blank(self.size.width, self._style(""))
        return line.crop_extend(scroll_x, scroll_x + self.size.width, self._style(""))

    def _line(self, row: int) -> Strip:
        """Row `row` drawn (-1: the header), kept until the rows or the styles change."""
        cursor, hover = row == self.cursor_row, row == self.hover_row
        line = self._lines.get((row, cursor, hover))
        if line is not None:
            return line
        if row < 0:
            cells: Cells = [Text(label) for label, _ in self.columns]
            style = self._style("") + self._style("note-table--header")
        else:
            cells = self.row_cells(row)
            style = self._style("")
            if row % 2 == 0:
                style += self._style("note-table--even-row")
            if hover:
                style += self._style("note-table--hover")
        text = Text(end="", no_wrap=True)
        for cell, (_, width) in zip(cells, self.columns, strict=True):
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
            gap = width - cell.cell_len
            left, right = (gap, 0) if cell.justify == "right" else (0, gap)
            text.append(" " * (left + 1))
            text.append_text(cell)
            text.append(" " * (right + 1))
        # As DataTable, the row's colours reach the right edge.
        text.append(" " * max(0, self.scrollable_content_region.width - text.cell_len))
        # The row's style goes under the cells' own, the cursor's over them (as in DataTable).
        # Not as the Text's style: Rich leaves that out of a Text without spans.
        post = self._style("note-table--cursor") if cursor and row >= 0 else None
        segments = list(Segment.apply_style(text.render(self.app.console), style, post))
        line = Strip(segments, text.cell_len)
        self._lines[(row, cursor, hover)] = line
        return line

    def _style(self, component: str) -> Style:
        """A component's style, or ("") the table's own: kept, as `rich_style` walks the
        ancestors on each call (keeping it took a cursor move from ~7.1 to ~6.3 ms of CPU)."""
        if component not in self._styles:
            style = self.get_component_rich_style(component) if component else self.rich_style
            self._styles[component] = style
        return self._styles[component]

    def _rows_in_view(self) -> int:
        return self.scrollable_content_region.height - 1  # below the header

    def _scroll_to_cursor(self) -> None:
        shown = self._rows_in_view()
        if shown < 1:
            return  # not laid out yet: on_resize scrolls
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + shown:
            self.scroll_to(y=self.cursor_row - shown + 1, animate=False, immediate=True)
