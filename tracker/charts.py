"""The trend charts, drawn with plotext, and the plain-words line under each.

`draw` works on anything with plotext's plotting calls: a plotext figure for the terminal
(`render`), or a textual-plotext widget's `plt` in the TUI. Every series has its own marker,
named in a key under the chart, so a chart reads the same without colour. A week with nothing
logged is left out of a series (a gap in the line, no bar), never drawn as zero; the week under
way is starred.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import cache
from math import ceil
from typing import Any

from tracker.settings import Settings
from tracker.trends import Burndown, Week
from tracker.words import plural

# name -> title; the order the CLI prints them and the TUI cycles through them.
CHARTS: dict[str, str] = {
    "backlog": "Outstanding notes at each week's end",
    "within": "Share of notes written within {hours} h of the session",
    "after_hours": "After-hours charting minutes per week",
    "wellbeing": "Dread and drained (0-4) beside the backlog",
    "burndown": "Catch-up sprint: notes left",
}
SPRINT_ONLY = "burndown"  # drawn only while a sprint runs
WEEKLY = [name for name in CHARTS if name != SPRINT_ONLY]
# Each series has its own marker, so a chart reads the same without colour.
MARKERS = {"backlog": "o", "threshold": "-", "within": "o", "bar": "█", "dread": "x",
           "drained": "+", "planned": ".", "actual": "o"}  # fmt: skip
COLOURS = {"backlog": "blue", "threshold": "red", "within": "green", "bar": "orange",
           "dread": "red", "drained": "magenta", "planned": "gray", "actual": "blue"}  # fmt: skip


def title(name: str, settings: Settings) -> str:
    return CHARTS[name].format(hours=settings.rules.rule_hours)


def tick_label(week: Week) -> str:
    start = week.week_start
    return f"{start.day} {start:%b}" + ("*" if week.partial else "")


def count_ticks(top: float, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 covering `top` with a round step, at most `most` + 1 of them."""
    step = 1
    while ceil(top / step) > most:
        for factor in (2, 5, 10):
            if ceil(top / (step * factor)) <= most or factor == 10:
                step *= factor
                break
    return list(range(0, step * ceil(top / step) + 1, step))


def _ticks(weeks: Sequence[Week], width: int) -> tuple[list[int], list[str]]:
    """A readable subset of week labels for `width` columns, always including the latest."""
    most = max(2, width // 10)
    step = ceil(len(weeks) / most)
    positions = sorted(range(len(weeks), 0, -step))
    return positions, [tick_label(weeks[p - 1]) for p in positions]


def _runs(values: Sequence[float | None]) -> list[tuple[list[int], list[float]]]:
    """Unbroken runs of known values as (x positions from 1, values): gaps split a line."""
    runs: list[tuple[list[int], list[float]]] = []
    current: tuple[list[int], list[float]] | None = None
    for x, value in enumerate(values, start=1):
        if value is None:
            current = None
            continue
        if current is None:
            current = ([], [])
            runs.append(current)
        current[0].append(x)
        current[1].append(value)
    return runs


def _line(
    plt: Any, values: Sequence[float | None], marker: str, color: Any, yside: str = "left"
) -> None:
    for xs, ys in _runs(values):
        plt.plot(xs, ys, marker=marker, color=color, yside=yside)


def key(name: str, settings: Settings) -> str:
    """What each marker means (drawn under the chart: plotext's own legend would hide data)."""
    m = MARKERS
    return {
        "backlog": f"{m['backlog']} outstanding  {m['threshold']} threshold {settings.rules.threshold}",
        "within": f"{m['within']} % written within {settings.rules.rule_hours} h",
        "after_hours": f"{m['bar']} minutes after hours",
        "wellbeing": f"{m['dread']} dread  {m['drained']} drained  {m['backlog']} backlog (right)",
        "burndown": f"{m['actual']} notes left  {m['planned']} first plan  | today",
    }[name]


def _count_axis(plt: Any, top: float, yside: str = "left") -> None:
    ticks = count_ticks(top)
    plt.ylim(0, ticks[-1], yside=yside)
    plt.yticks(ticks, [str(t) for t in ticks], yside=yside)


def _colours(colour: bool, palette: dict[str, Any] | None) -> Callable[[str], Any]:
    def col(series: str) -> Any:
        if not colour:
            return None
        return (palette or {}).get(series, COLOURS[series])

    return col


def draw(plt: Any, name: str, weeks: Sequence[Week], settings: Settings, width: int, *,
         colour: bool = True, palette: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Draw chart `name` of `weeks` on a cleared plotext figure `plt` (`palette` overrides
    `COLOURS`, e.g. with the TUI theme's colours)."""
    col = _colours(colour, palette)

    n = len(weeks)
    plt.title(title(name, settings))
    backlog = [w.outstanding_end for w in weeks]
    if name == "backlog":
        threshold = settings.rules.threshold
        _line(plt, backlog, MARKERS["backlog"], col("backlog"))
        plt.plot(
            [0.5, n + 0.5],
            [threshold, threshold],
            marker=MARKERS["threshold"],
            color=col("threshold"),
        )
        _count_axis(plt, max([threshold + 1, *(v for v in backlog if v is not None)]))
    elif name == "within":
        shares = [None if w.within_24h_rate is None else 100 * w.within_24h_rate for w in weeks]
        _line(plt, shares, MARKERS["within"], col("within"))
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    elif name == "after_hours":
        known = [(x, w.after_hours_minutes) for x, w in enumerate(weeks, start=1)]
        xs = [x for x, v in known if v is not None]
        ys = [v for _, v in known if v is not None]
        if xs and n <= 26:
            plt.bar(xs, ys, marker=MARKERS["bar"], color=col("bar"), width=0.5)
        elif xs:
            # A filled column per week: as readable as bars at this width, a quarter the cost.
            plt.scatter(xs, ys, marker=MARKERS["bar"], color=col("bar"), fillx=True)
        _count_axis(plt, max([60, *ys]))
    elif name == "wellbeing":
        _line(plt, [w.dread_mean for w in weeks], MARKERS["dread"], col("dread"))
        _line(plt, [w.drained_mean for w in weeks], MARKERS["drained"], col("drained"))
        _line(plt, backlog, MARKERS["backlog"], col("backlog"), "right")
        plt.ylim(0, 4)
        plt.yticks([0, 1, 2, 3, 4])
        _count_axis(plt, max([5, *(v for v in backlog if v is not None)]), yside="right")
    else:
        raise ValueError(f"unknown chart {name!r}")
    plt.xlim(0.5, n + 0.5)
    positions, labels = _ticks(weeks, width)
    plt.xticks(positions, labels)
    label = key(name, settings)
    if any(w.partial for w in weeks):
        label += "  * week so far"
    plt.xlabel(label if len(label) < width - 2 else key(name, settings))


def draw_burndown(plt: Any, burndown: Burndown, settings: Settings, width: int, *,
                  colour: bool = True, palette: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Draw the sprint burndown: notes left by day, the first plan against what happened."""
    col = _colours(colour, palette)
    start = burndown.started_on
    planned = [((d - start).days, n) for d, n in burndown.compared]
    actual = [((d - start).days, n) for d, n in burndown.actual]
    today = (burndown.today - start).days
    last = max([today, *(x for x, _ in planned), *(x for x, _ in actual)], default=0)
    plt.title(title("burndown", settings))
    if planned:
        plt.plot([x for x, _ in planned], [n for _, n in planned], marker=MARKERS["planned"],
                 color=col("planned"))  # fmt: skip
    plt.plot([x for x, _ in actual], [n for _, n in actual], marker=MARKERS["actual"],
             color=col("actual"))  # fmt: skip
    top = max([1, *(n for _, n in planned), *(n for _, n in actual)])
    plt.vertical_line(today, color=col("threshold"))
    _count_axis(plt, top)
    plt.xlim(-0.5, last + 0.5)
    step = max(1, ceil((last + 1) / max(2, width // 10)))
    days = sorted(range(last, -1, -step))
    plt.xticks(
        days, [f"{(start + timedelta(days=x)).day} {start + timedelta(days=x):%b}" for x in days]
    )
    label = key("burndown", settings)
    plt.xlabel(label.replace("first plan", "plan + new notes") if burndown.arrived else label)


def burndown_words(burndown: Burndown) -> str:
    """The plain-words line under the burndown: against the first plan re-based on the new
    notes that arrived, as the first plan assumed none."""
    start = burndown.actual[0][1]
    left = burndown.actual[-1][1]
    days = plural((burndown.today - burndown.started_on).days, "day")
    line = f"sprint: {left} of {start} notes left after {days}"
    plan = "the first plan"
    if burndown.arrived:
        line += f"; {plural(burndown.arrived, 'new note')} joined since it began"
        plan = "the plan re-based on them"
    expected = burndown.planned_by(burndown.today)
    if expected is None:
        return line
    if left < expected:
        return f"{line}; ahead of {plan} ({expected} expected by now)"
    if left > expected:
        return f"{line}; {left - expected} behind {plan}: `caughtup plan` re-plans from here"
    return f"{line}; on {plan}"


def render(name: str, weeks: Sequence[Week], settings: Settings, width: int, height: int, *,
           colour: bool, burndown: Burndown | None = None) -> str:  # fmt: skip
    """The chart as text for the terminal (ANSI colours only when `colour`)."""
    figure = figure_class()()
    figure.theme("clear")
    figure.plot_size(width, height)
    if name == SPRINT_ONLY:
        if burndown is None:
            raise ValueError("the burndown chart needs a running sprint")
        draw_burndown(figure, burndown, settings, width, colour=colour)
    else:
        draw(figure, name, weeks, settings, width, colour=colour)
    if colour:
        text: str = figure.build()
        return text
    # Without colour the chart is plotext's grid of characters, read here: `build` would wrap
    # every cell in colour codes for us to strip again (`trends --weeks 52`: 473 -> 399 M instr).
    figure._set_sizes()
    figure._build_matrix()
    return "".join("".join(row) + "\n" for row in reversed(figure.monitor.matrix.marker))


@cache
def figure_class() -> Any:
    """plotext's figure class (the one textual-plotext's `Plot` builds on), loaded on its own.

    `import plotext` runs the whole package: its module-level API, and a help text written for
    each of its functions (`_doc_utils.add`): 105 M instructions, against 16 M for this class
    alone. So the class's module is loaded with `add` doing nothing, and plotext is registered
    only while it loads: a later `import plotext` (the TUI's) loads all of it as usual.
    `trends --weeks 52`: 399 M instructions with this, 500 M with a plain import (callgrind).
    test_charts.py checks both still hold for the installed plotext.
    """
    if "plotext" in sys.modules:
        from plotext._figure import _figure_class
    else:
        import importlib.util

        spec = importlib.util.find_spec("plotext")
        if spec is None:
            raise ModuleNotFoundError("No module named 'plotext'", name="plotext")
        sys.modules["plotext"] = importlib.util.module_from_spec(spec)  # its __init__ not run
        try:
            from plotext import _doc_utils

            _doc_utils.add = lambda function: None
            from plotext._figure import _figure_class
        finally:
            for module in [m for m in sys.modules if m == "plotext" or m.startswith("plotext.")]:
                del sys.modules[module]
    return _figure_class


# -- the plain-words line ------------------------------------------------------------------------


def change(label: str, values: Sequence[float | None], fmt: Callable[[float], str]) -> str:
    """How `values` (one per week, None for a gap) moved, from the first known to the last.

    For example "within-48h share up from 40% to 75% over 6 weeks".
    """
    points = [(x, v) for x, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return f"{label}: not enough weeks with check-ins yet to show a change"
    (x0, first), (x1, last) = points[0], points[-1]
    span = plural(x1 - x0, "week")
    if fmt(first) == fmt(last):
        return f"{label} steady at {fmt(last)} over {span}"
    direction = "up" if last > first else "down"
    return f"{label} {direction} from {fmt(first)} to {fmt(last)} over {span}"


def _count(value: float) -> str:
    return str(round(value))


def _percent(value: float) -> str:
    return f"{round(100 * value)}%"


def _rating(value: float) -> str:
    return f"{value:.1f}"


def nothing_yet(weeks: Sequence[Week]) -> str | None:
    """What to say instead of charts when nothing at all was logged in `weeks`."""
    if any(not w.gap for w in weeks):
        return None
    return f"Nothing logged in the last {plural(len(weeks), 'week')} yet; each day you log fills in the charts."


def words(name: str, weeks: Sequence[Week], settings: Settings) -> str:
    """The plain-words line under chart `name`: what changed over the full weeks shown."""
    empty = nothing_yet(weeks)
    if empty:
        return empty
    full = [w for w in weeks if not w.partial]
    backlog = [w.outstanding_end for w in full]
    if name == "backlog":
        line = change("outstanding notes", backlog, _count)
        now = next(
            (w.outstanding_end for w in reversed(weeks) if w.outstanding_end is not None), None
        )
        threshold = settings.rules.threshold
        if now is not None:
            where = "under" if now < threshold else "at or over"
            line += f"; {now} now, {where} the threshold of {threshold}"
        return line
    if name == "within":
        label = f"within-{settings.rules.rule_hours}h share"
        return change(label, [w.within_24h_rate for w in full], _percent)
    if name == "after_hours":
        return change("after-hours minutes a week", [w.after_hours_minutes for w in full], _count)
    if name == "wellbeing":
        return "; ".join(
            [
                change("dread", [w.dread_mean for w in full], _rating),
                change("drained", [w.drained_mean for w in full], _rating),
                change("backlog", backlog, _count),
            ]
        )
    raise ValueError(f"unknown chart {name!r}")
