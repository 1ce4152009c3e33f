"""The app's places (screens) and their keys: read by the app, the help screen and the palette."""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    key: str
    mode: str
    label: str
    target: str  # "module:ScreenClass"


# One entry per screen: its key, shown in the Footer. Issues that add a screen add a line here.
PLACES: list[Place] = [
    Place("t", "today", "Today", "screens.today:TodayScreen"),
    Place("b", "backlog", "Backlog", "screens.backlog:BacklogScreen"),
    Place("s", "sprint", "Sprint", "screens.sprint:SprintScreen"),
    Place("c", "selfcheck", "Self-check", "screens.selfcheck:SelfCheckScreen"),
    Place("w", "trends", "Trends", "screens.trends:TrendsScreen"),
    Place("o", "settings", "Settings", "screens.settings:SettingsScreen"),
]
# The place the app opens on (Today).
START = PLACES[0]
# Keys that work even inside a text field, one per screen letter.
FKEYS = {"t": "f2", "b": "f3", "s": "f4", "c": "f5", "w": "f6", "o": "f7"}


def key_words(place: Place) -> str:
    """The keys that go to a place, as help and the palette say them: `t or F2`."""
    fkey = FKEYS.get(place.key)
    return f"{place.key} or {fkey.upper()}" if fkey else place.key
