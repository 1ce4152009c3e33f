"""Generated exports, valid and invalid cells in every column of every table, fed to import.

Each import either refuses in one line with the database byte for byte as it was, or leaves data
that every command reads and writes without a traceback; for a sample, the app's screens open on
it too (through the pilot).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tracker.cli.group import cli

pytestmark = pytest.mark.slow

EXTRA_ROWS = {  # tables the demo leaves empty get a valid row, so their cells are varied too
    "deliveries": [[1, "2026-11-20T10:00:00+00:00", "threshold", "ab12cd34", "json://••••••/x",
                    0, "timed out"]],
    "state": [["alerts.sent.ab12cd34", '{"threshold": 1}'],
              ["ics_exported:1", '{"uid": "b3a2", "revision": 2, "events": '
                                 '[["2026-11-24", "16:00", 90]]}']],
}  # fmt: skip
HOSTILE = [
    None, 0, 1, -5, 2**63, 2**63 - 1, 10**30, 1.5, -0.0, 1e308, True, "", " ", "x" * 600,
    "=cmd|' /C calc'!A0", "\x00", "C\u009b7", "C\u202e7", "\ud800", "[bold]x[/]", "{bad", "nope",
    "[]", "{}", "[[]]", '{"days": []}', '{"days": ["mon"], "block_minutes": 5}',
    '{"strategy": "random"}', '{"inflow": "lots"}', '{"start": "0001-01-01"}',
    '[["progress", [1, 2]]]', '[["2026-11-13", -1]]', '[1, "x"]', '{"overload": 50}',
    '{"a": 1}', '{"threshold": "x"}', '{"threshold": [1]}', "0001-01-01", "9999-12-31",
    "2026-02-30", "2026-11-20", "1999-12-31", "2101-01-01", "2026-11-20T10:00:00+00:00",
    "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "2026-11-20T10:00:00Z", "24:00",
    "23:59", "9:00", "progress", "court_report", "referral", "count", "item", "neither",
    "alerts.sent.x", "ics_exported:9", "selfcheck", "9" * 30,
]  # fmt: skip


def _run(args: list[str], stdin: str = "") -> Result:
    return CliRunner().invoke(cli, args, catch_exceptions=False, input=stdin)


class World(dict[str, Any]):
    """What every example shares (shown briefly when hypothesis reports a failing example)."""

    def __repr__(self) -> str:
        return "World(...)"


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """A full export (the demo's data, plus a delivery and small state), and two data folders
    to import into (copied for each example): an empty one, and one with a little data."""
    from tracker import demo

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        base = Path(folder)
        mp.setenv("CAUGHTUP_NOW", "2026-11-22T18:00")
        mp.setenv("TZ", "UTC")
        demo.build(base / "demo")
        mp.setenv("CAUGHTUP_HOME", str(base / "demo"))
        doc = json.loads(_run(["export"]).stdout)
        for name, rows in EXTRA_ROWS.items():
            doc["tables"][name]["rows"] = rows
        mp.setenv("CAUGHTUP_HOME", str(base / "empty"))
        _run(["backup"])  # an empty database (and a backup of it)
        mp.setenv("CAUGHTUP_HOME", str(base / "used"))
        for args in (
            ["add", "--date", "2026-11-20", "--client", "C1"],
            ["log", "--date", "2026-11-19", "--sessions", "3", "--written", "1"],
        ):
            _run(args)  # fmt: skip
        items = json.loads(_run(["selfcheck", "--items", "--json"]).stdout)["items"]
        answers = base / "answers.json"
        answers.write_text(json.dumps({i["id"]: i["min"] for i in items}))
        yield World(doc=doc, base=base, answers=answers, mp=mp)


def _cells(doc: dict[str, Any]) -> st.SearchStrategy[tuple[str, int, int, Any]]:
    """(table, row, column, value): a value seen in that column of another row, or hostile."""
    choices = []
    for name, table in doc["tables"].items():
        if not table["rows"]:
            continue
        for position in range(len(table["columns"])):
            seen = sorted({json.dumps(r[position]) for r in table["rows"]})[:20]
            valid = st.sampled_from([json.loads(v) for v in seen])
            hostile = st.one_of(
                st.sampled_from(HOSTILE),
                st.text(max_size=12),
                st.integers(min_value=-(2**64), max_value=2**64),
            )
            values = st.one_of(valid, valid, valid, hostile)  # about as many go in as not
            choices.append(
                st.tuples(
                    st.just(name),
                    st.integers(0, len(table["rows"]) - 1),
                    st.just(position),
                    values,
                )
            )
    return st.one_of(choices)


COMMANDS = [
    ["status"], ["status", "--json"], ["status", "--short"], ["backlog"], ["backlog", "--json"],
    ["trends"], ["trends", "--json"], ["plan", "--preview"], ["plan", "--json"], ["remind"],
    ["export"], ["config"], ["log", "--sessions", "2", "--written", "1"],
    ["add", "--date", "2026-11-21", "--type", "progress"], ["backup"],
]  # fmt: skip


def _fresh(world: World, template: str) -> Path:
    home = world["base"] / f"example-{next(tempfile._get_candidate_names())}"
    shutil.copytree(world["base"] / template, home)
    world["mp"].setenv("CAUGHTUP_HOME", str(home))
    return home


def _bytes(home: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(home.rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


async def _visit_screens(home: Path) -> None:
    from screens.app import make_app

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ("b", "s", "c", "w", "o", "t"):
            await pilot.press("escape", key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
    assert getattr(app, "fault", None) is None and app.return_code in (0, None)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), replace=st.booleans(), screens=st.integers(0, 4))
def test_an_import_is_refused_in_one_line_or_everything_works_after_it(
    world: World, data: st.DataObject, replace: bool, screens: int
) -> None:
    doc = copy.deepcopy(world["doc"])
    for table, row, position, value in data.draw(st.lists(_cells(doc), min_size=1, max_size=3)):
        doc["tables"][table]["rows"][row][position] = value
    # Into an empty database, or replacing one in use (whose ids the export's would collide with).
    home = _fresh(world, "used" if replace else "empty")
    source = world["base"] / "hostile.json"
    source.write_text(json.dumps(doc))
    before = _bytes(home)
    result = _run(["import", str(source), *(["--replace"] if replace else [])])
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output[-800:]
    event("refused" if result.exit_code == 2 else "imported")
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("caughtup: "), result.stderr[-800:]
        assert _bytes(home) == before, "a refused import changed the data folder"
        return
    for args in [*COMMANDS, ["selfcheck", "--answers", str(world["answers"]), "--no-save"]]:
        after = _run(args)
        assert after.exit_code == 0 and "Traceback" not in after.output, (args, after.output[-800:])
    open_ids = [i["id"] for i in json.loads(_run(["backlog", "--json"]).stdout)["items"]]
    for args in (["edit", str(open_ids[0]), "--type", "intake"], ["done", str(open_ids[0])]):
        after = _run(args)
        assert after.exit_code == 0 and "Traceback" not in after.output, (args, after.output[-800:])
    after = _run(["block", "done"])  # there may be no planned block: then a one-line refusal
    assert after.exit_code in (0, 2) and "Traceback" not in after.output, after.output[-800:]
    csv = home.parent / f"{home.name}-csv"
    assert _run(["export", "--format", "csv", "--out", str(csv)]).exit_code == 0
    assert _run(["import", str(csv), "--replace"]).exit_code == 0  # and it comes back in
    if screens == 0:  # one example in five also opens every screen on the imported data
        asyncio.run(_visit_screens(home))
