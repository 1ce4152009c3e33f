"""Every screen on the demo data, at 80x24 and 120x40, dark and light (review before updating)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import DARK, LIGHT, make_app
from screens.places import FKEYS, PLACES
from tests.conftest import NOW, settled
from tracker import demo, settings

SIZES = ((80, 24), (120, 40))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo built once (about a second); each test works on its own copy."""
    home = tmp_path_factory.mktemp("sample") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAUGHTUP_NOW", NOW)
        mp.setenv("TZ", "UTC")
        demo.build(home)
    yield home


@pytest.mark.parametrize("theme", [DARK, LIGHT])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.mode)
def test_screen(
    place: Any, size: tuple[int, int], theme: str, sample: Path, home: Path, snap_compare: Any
) -> None:
    shutil.copytree(sample, home)
    settings.save(home, settings.set_value(settings.load(home), "theme", theme))
    assert os.environ["CAUGHTUP_NOW"] == NOW
    keys = [] if place.mode == "today" else [FKEYS[place.key]]

    async def open_screen(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await steady_cursor(pilot)

    assert snap_compare(make_app(home, demo=True), run_before=open_screen, terminal_size=size)


async def steady_cursor(pilot: Pilot[Any]) -> None:
    """Hold the picture still: the screen's work done, the cursor visible and not blinking."""
    await pilot.pause()
    await settled(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
