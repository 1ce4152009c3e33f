"""The charts and their plain-words lines; `caughtup trends` as a user runs it."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import digest
from tracker import charts, trends
from tracker.settings import Settings


def week(n: int, **kw: Any) -> trends.Week:
    values: dict[str, Any] = {c: None for c in trends.COLUMNS}
    values.update(week_start=date(2026, 9, 7) + timedelta(weeks=n), partial=False)
    values.update(kw)
    return trends.Week(**values)


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ([0.4, 0.5, None, 0.6, 0.7, 0.7, 0.75], "share up from 40% to 75% over 6 weeks"),
        ([None, 0.8, 0.5], "share down from 80% to 50% over 1 week"),
        ([0.5, None, 0.504], "share steady at 50% over 2 weeks"),
        ([None, 0.5, None], "share: not enough weeks with check-ins yet to show a change"),
        ([], "share: not enough weeks with check-ins yet to show a change"),
    ],
)
def test_change_in_plain_words(values: list[float | None], line: str) -> None:
    assert charts.change("share", values, lambda v: f"{round(100 * v)}%") == line


def test_words_for_each_chart_leave_out_the_week_under_way() -> None:
    weeks = [
        week(0, sessions=5, within_24h_rate=0.4, outstanding_end=12, after_hours_minutes=300,
             dread_mean=3.0, drained_mean=2.0),
        week(1),  # a gap
        week(2, sessions=5, within_24h_rate=0.6, outstanding_end=7, after_hours_minutes=200,
             dread_mean=2.0, drained_mean=2.0),
        week(3, sessions=5, within_24h_rate=0.75, outstanding_end=4, after_hours_minutes=90,
             dread_mean=1.25, drained_mean=2.0),
        week(4, sessions=1, within_24h_rate=0.0, outstanding_end=3, after_hours_minutes=5,
             dread_mean=4.0, drained_mean=4.0, partial=True),
    ]  # fmt: skip
    s = Settings()
    assert charts.words("within", weeks, s) == "within-24h share up from 40% to 75% over 3 weeks"
    assert charts.words("backlog", weeks, s) == (
        "outstanding notes down from 12 to 4 over 3 weeks; 3 now, under the threshold of 5"
    )
    assert charts.words("after_hours", weeks, s) == (
        "after-hours minutes a week down from 300 to 90 over 3 weeks"
    )
    assert charts.words("wellbeing", weeks, s) == (
        "dread down from 3.0 to 1.2 over 3 weeks; drained steady at 2.0 over 3 weeks; "
        "backlog down from 12 to 4 over 3 weeks"
    )


def test_count_ticks_are_round_and_cover_the_top() -> None:
    assert charts.count_ticks(4) == [0, 1, 2, 3, 4]
    assert charts.count_ticks(12) == [0, 5, 10, 15]
    assert charts.count_ticks(448) == [0, 100, 200, 300, 400, 500]


def sample_weeks() -> list[trends.Week]:
    full = dict(sessions=5, written=3, within_24h_rate=0.4, outstanding_end=8,
                after_hours_minutes=120, dread_mean=3.0, drained_mean=2.0)  # fmt: skip
    return [
        week(0, **full),
        week(1, **{**full, "outstanding_end": 6, "within_24h_rate": 0.5, "dread_mean": 2.0}),
        week(2),
        week(3, **{**full, "outstanding_end": 4, "within_24h_rate": 0.7, "dread_mean": 1.0}),
        week(4, **{**full, "outstanding_end": 3, "within_24h_rate": 0.8, "partial": True}),
    ]


@pytest.mark.parametrize("name", charts.WEEKLY)
def test_render_draws_a_framed_chart_without_colour(name: str) -> None:
    text = charts.render(name, sample_weeks(), Settings(), 60, 14, colour=False)
    lines = text.splitlines()
    assert "\x1b[" not in text
    assert len(lines) == 14 and max(len(line) for line in lines) == 60
    assert lines[0].strip() == charts.title(name, Settings())
    assert sum(line.count("┌") + line.count("┘") for line in lines) == 2  # one frame
    assert "7 Sep" in text and "5 Oct*" in text and "* week so far" in text
    marker = {"after_hours": "█", "wellbeing": "x"}.get(name, "o")
    assert text.count(marker) > 10  # the data, not just the legend


def test_render_with_colour_uses_ansi() -> None:
    text = charts.render("backlog", sample_weeks(), Settings(), 60, 14, colour=True)
    assert "\x1b[" in text


@pytest.mark.parametrize("name", [*charts.WEEKLY, charts.SPRINT_ONLY])
def test_text_without_colour_is_the_coloured_text_without_its_codes(name: str) -> None:
    """Without colour, `render` reads plotext's grid of characters itself (plotext internals)."""
    args = (name, sample_weeks(), Settings(), 60, 14)
    plain = charts.render(*args, colour=False, burndown=burndown(12))
    coloured = charts.render(*args, colour=True, burndown=burndown(12))
    assert plain == re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "\x1b[" in coloured and len(plain.splitlines()) == 14


def test_plotext_figure_loads_alone_without_help_texts() -> None:
    """`charts.figure_class` relies on plotext internals: a new plotext may move them."""
    probe = (
        "import sys\n"
        "from tracker import charts\n"
        "figure = charts.figure_class()\n"
        "assert figure.plot.__doc__ is None, 'plotext built its help texts'\n"
        "assert not [m for m in sys.modules if m.startswith('plotext')], 'plotext left loaded'\n"
        "import plotext\n"
        "assert plotext.plot.__doc__ and plotext._figure._figure_class is not figure\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-800:]


def seed(run: Callable[..., Result]) -> None:
    for day, sessions, written in [("2026-11-03", 6, 2), ("2026-11-04", 5, 5), ("2026-11-10", 4, 4),
                                   ("2026-11-18", 6, 5), ("2026-11-20", 3, 3)]:  # fmt: skip
        result = run("log", "--date", day, "--sessions", str(sessions), "--written",
                     str(written), "--after-hours", "30", "--dread", "2")  # fmt: skip
        assert result.exit_code == 0, result.output


def test_cli_prints_charts_sized_to_the_terminal(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(run)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "30")
    result = run("trends", "--weeks", "4")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out  # not a terminal: no colour codes
    for name in charts.WEEKLY:
        assert charts.title(name, Settings()) in out
    assert out.count("┌") == len(charts.WEEKLY)
    assert max(len(line) for line in out.splitlines()) == 100  # charts and wrapped words
    assert "threshold 5" in out and "16 Nov*" in out and "2 Nov" in out
    assert "outstanding notes steady at 4 over 1 week; 5 now, at or over the threshold" in out
    only = run("trends", "--weeks", "4", "--chart", "within").stdout
    assert only.count("┌") == 1 and "within-24h share up from 64% to 100% over 1 week" in only


def test_cli_json_and_csv_rows(run: Callable[..., Result], run_json: Callable[..., Any]) -> None:
    seed(run)
    data = run_json("trends", "--weeks", "5")
    assert (data["first_weekday"], data["threshold"], data["rule_hours"]) == ("mon", 5, 24)
    rows = data["weeks"]
    assert [r["week_start"] for r in rows] == [
        "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"
    ]  # fmt: skip
    # The JSON adds the habit's strength at each week's end (issue 22); the CSV keeps COLUMNS.
    assert all(list(r) == [*trends.COLUMNS, "strength"] for r in rows)
    assert rows[0]["sessions"] is None and rows[1]["outstanding_end"] is None  # gaps
    assert rows[2] == {
        "week_start": "2026-11-02",
        "sessions": 11,
        "written": 7,
        "within_24h_rate": 0.636,
        "outstanding_end": 4,
        "after_hours_minutes": 60,
        "dread_mean": 2.0,
        "drained_mean": None,
        "partial": False,
        "strength": rows[2]["strength"],
    }
    assert isinstance(rows[2]["strength"], int) and rows[0]["strength"] is None
    assert rows[-1]["partial"] is True and rows[-1]["sessions"] == 9
    table = list(csv.reader(io.StringIO(run("trends", "--weeks", "5", "--csv").stdout)))
    assert table[0] == list(trends.COLUMNS)
    assert len(table) == 6
    assert table[1] == ["2026-10-19", "", "", "", "", "", "", "", "false"]
    assert table[3][:5] == ["2026-11-02", "11", "7", "0.636", "4"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "0"], "--weeks must be 1 to 520, got 0"),
        (["--weeks", "many"], "--weeks must be a whole number from 1 to 520"),
        (["--chart", "pie"], "--chart must be one of backlog, within, after_hours, wellbeing"),
        (["--json", "--csv"], "choose one"),
    ],
)
def test_cli_bad_input_exits_2_and_changes_nothing(
    run: Callable[..., Result], home: Path, args: list[str], message: str
) -> None:
    seed(run)
    before = digest(home)
    result = run("trends", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(home) == before


def test_installed_command_prints_a_chart(tmp_path: Path) -> None:
    env = {**os.environ, "CAUGHTUP_HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "80"}
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "caughtup", "log", "--sessions", "4", "--written", "3"], env=env,
                   check=True, capture_output=True)  # fmt: skip
    out = subprocess.run([bin_dir / "caughtup", "trends", "--chart", "backlog"], env=env,
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    assert "┌" in out and "Outstanding notes" in out and "16 Nov*" in out


def burndown(left_now: int) -> trends.Burndown:
    d = date(2026, 11, 10)
    return trends.Burndown(
        started_on=d,
        planned=[(d, 25), (d, 15), (d + timedelta(days=1), 5), (d + timedelta(days=2), 0)],
        actual=[(d, 25), (d, 15), (d + timedelta(days=1), left_now)],
        today=d + timedelta(days=1),
    )


def test_burndown_words() -> None:
    assert charts.burndown_words(burndown(5)) == (
        "sprint: 5 of 25 notes left after 1 day; on the first plan"
    )
    assert charts.burndown_words(burndown(2)) == (
        "sprint: 2 of 25 notes left after 1 day; ahead of the first plan (5 expected by now)"
    )
    assert charts.burndown_words(burndown(8)).endswith(
        "3 behind the first plan: `caughtup plan` re-plans from here"
    )


def test_burndown_chart_appears_only_while_a_sprint_runs(
    run: Callable[..., Result], run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_sprint = run("trends", "--chart", "burndown")
    assert no_sprint.exit_code == 2 and "no catch-up sprint is running" in no_sprint.stderr
    assert run_json("trends")["sprint"] is None
    assert charts.title("burndown", Settings()) not in run("trends").stdout

    for day in ("2026-11-16", "2026-11-17"):
        run("log", "--date", day, "--sessions", "6", "--written", "1")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-20T09:00")
    assert run("plan", "--days", "fri,mon").exit_code == 0
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-20T17:45")
    assert run("block", "done", "--notes", "4").exit_code == 0
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-22T18:00")

    sprint = run_json("trends")["sprint"]
    assert sprint["started_on"] == "2026-11-20"
    assert sprint["actual"][0] == ["2026-11-20", 10]
    assert sprint["actual"][-1] == ["2026-11-22", 6]
    out = run("trends", "--chart", "burndown").stdout
    assert charts.title("burndown", Settings()) in out and "┌" in out
    assert "20 Nov" in out and "22 Nov" in out
    assert "sprint: 6 of 10 notes left after 2 days" in out
    assert charts.title("burndown", Settings()) in run("trends").stdout


def test_an_empty_span_says_so_instead_of_drawing(run: Callable[..., Result]) -> None:
    out = run("trends", "--weeks", "4").stdout
    assert out.strip() == (
        "Nothing logged in the last 4 weeks yet; each day you log fills in the charts."
    )
    assert "┌" not in out
    weeks = [week(n) for n in range(3)]
    assert charts.words("within", weeks, Settings()).startswith("Nothing logged in the last 3")
