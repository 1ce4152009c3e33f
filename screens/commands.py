"""The command palette's own entries (ctrl+p): every screen, every app action, and the actions
of the screen the palette was opened from, each with the key that does the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.places import PLACES, key_words

if TYPE_CHECKING:  # the app imports this module
    from screens.app import CaughtupApp


class CaughtupCommands(Provider):
    """Screens and actions by name, so nothing needs remembering."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        app = cast("CaughtupApp", self.app)  # the palette is only ever CaughtupApp's
        for place in PLACES:
            yield (
                f"Go to {place.label}",
                f"key {key_words(place)}",
                partial(app.action_go, place.mode),
            )
        yield ("Help for this screen", "key ? or F1: the screen and the rules", app.action_help)
        yield ("Switch light/dark theme", "key ctrl+t; remembered", app.action_toggle_theme)
        if not app.demo:
            yield (
                "Explore the demo data",
                "a sample clinician's data; yours stays untouched",
                app.action_open_demo,
            )
        seen = {"go", "help", "back", "toggle_theme", "quit", "command_palette"}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            name = binding.action.split("(")[0]
            if not binding.description or name in seen or active.node is app:
                continue
            seen.add(name)
            action, node = binding.action, active.node
            yield (
                binding.tooltip or binding.description,
                f"key {app.get_key_display(binding) or key}",
                partial(app.run_action, action, node),
            )
        yield ("Quit caughtup", "key q, or ctrl+q anywhere", app.action_quit)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
