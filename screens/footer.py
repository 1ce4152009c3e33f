"""The Footer every screen uses: the screen's own keys on one row, the screen keys on another.

Textual's Footer lists the focused widget's keys first and the app's last, so at 80 columns a
screen with a few actions pushed the screen keys off the edge. Two rows keep both in view: what
you can do here, and where you can go (plus Help). Below 110 columns every cell counts: the keys
go compact and the palette's key is left out (ctrl+p still opens it; Help lists it).

It looks and behaves like Textual's Footer (a key runs when clicked, lights up under the mouse,
shows its tooltip) but draws every key as text in one widget: Textual's is a widget per key, and
styling and placing those ten widgets cost the first screen about 20 ms.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

# Actions that belong on the "where you can go" row.
NAV_ACTIONS = ("go(", "help", "quit", "command_palette")
# Narrower than this, the Footer is compact.
COMPACT_BELOW = 110
# What Textual's Footer draws left of the palette's key (its `vkey` border).
PALETTE_EDGE = "▏"


class Key(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


class Footer(Widget):
    """The screen's active keys in two rows (one when the screen has none of its own)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--edge",
    }
    # Textual's Footer and FooterKey styles, for the same look.
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: auto;
        max-height: 2;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            background: $block-hover-background;
        }
        .footer-key--edge {
            color: $foreground 20%;
        }
    }
    """

    hovered: reactive[str | None] = reactive(None)
    """The key under the mouse."""

    @property
    def compact(self) -> bool:
        # The Footer spans the terminal. (Its own `size`, asked while Textual lays the screen
        # out, has Textual lay out the whole screen once more.)
        return self.app.size.width < COMPACT_BELOW

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.refresh(layout=True)  # one row or two

    def keys(self) -> tuple[list[Key], list[Key], Key | None]:
        """The screen's own keys, the keys that go somewhere, and the palette's key."""
        own: list[Key] = []
        nav: list[Key] = []
        actions: set[str] = set()
        if not self.app.screen_stack:
            # The app is closing: it closes each place's screen in turn and may lay out one
            # left behind (Settings, scrolled) after the one in view, and a binding's check
            # would ask the app for its screen (ScreenStackError). No keys to show then.
            return own, nav, None
        active = self.screen.active_bindings
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:  # one key per action, as Textual
                continue
            actions.add(binding.action)
            key = Key(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                enabled,
                tooltip,
            )
            (nav if binding.action.startswith(NAV_ACTIONS) else own).append(key)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is None or not self.app.ENABLE_COMMAND_PALETTE:
            return own, nav, None
        _node, binding, enabled, _tooltip = palette
        display = self.app.get_key_display(binding)
        tooltip = binding.tooltip or binding.description
        return own, nav, Key(binding.key, display, binding.description, enabled, tooltip)

    def render(self) -> Text:
        own, nav, palette = self.keys()
        rows = [self._row(keys) for keys in (own, nav) if keys]
        if palette is not None and not self.compact and rows:
            edge = Text(PALETTE_EDGE, self.get_component_rich_style("footer-key--edge"))
            right = Text.assemble(edge, self._key(palette, compact=True), " ")
            left, room = rows[-1], self.app.size.width - right.cell_len
            left.truncate(max(0, room))
            left.pad_right(room - left.cell_len)
            rows[-1] = Text.assemble(left, right)
        return Text("\n").join(rows)

    def _row(self, keys: list[Key]) -> Text:
        gap = " " if self.compact else ""
        return Text(gap).join(self._key(key, compact=self.compact) for key in keys)

    def _key(self, key: Key, *, compact: bool) -> Text:
        """A key as Textual's FooterKey draws it."""
        key_style = self.get_component_rich_style("footer-key--key")
        text = Text.assemble((key.display if compact else f" {key.display} ", key_style))
        if key.description:
            description = f" {key.description}" if compact else f"{key.description} "
            text.append(description, self.get_component_rich_style("footer-key--description"))
        if not key.enabled:
            text.stylize_before(Style(dim=True))
        if key.key == self.hovered:
            hover = self.get_component_rich_style("footer-key--hover")
            text.stylize(Style(bgcolor=hover.bgcolor))
        text.apply_meta({"footer-key": key.key})
        return text

    def _key_under(self, event: events.MouseEvent) -> Key | None:
        name = event.style.meta.get("footer-key")
        own, nav, palette = self.keys()
        return next((k for k in (*own, *nav, palette) if k and k.key == name), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_under(event)
        self.hovered = key.key if key else None
        self.tooltip = (key.tooltip or None) if key else None

    def on_leave(self) -> None:
        self.hovered = None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_under(event)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
