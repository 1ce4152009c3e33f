"""The Trends screen: the weekly charts of `caughtup trends`, drawn with textual-plotext.

The worker reads the longest span once (52 weeks and the sprint's burndown); changing the span
only slices those weeks, since a week's figures do not depend on where the span starts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from screens.footer import Footer
from screens.messages import FileSaved, OutsideChange, TrendsLoaded, WorkFailed
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import charts, habit, trends
from tracker.paths import REPORTS_DIR, ensure_dir
from tracker.pdf import paper_for
from tracker.workspace import Workspace

LABELS = {
    "backlog": "Backlog",
    "within": "Within {hours} h",  # the rule's hours, from the settings
    "after_hours": "After hours",
    "wellbeing": "Dread & drained",
    "burndown": "Sprint",
}
# Chart series in the theme's colours (each series also has its own marker).
THEME_COLOURS = {"backlog": "primary", "threshold": "error", "within": "success",
                 "bar": "warning", "dread": "error", "drained": "accent",
                 "planned": "foreground-muted", "actual": "primary"}  # fmt: skip
# The habit's heatmap cells in the theme's colours (each style also has its own mark); never
# the error colour: a missed day is not an alarm.
HEATMAP_COLOURS = {"kept": "success", "high": "warning", "mid": "warning", "low": "warning",
                   "pending": "primary", "skipped": "foreground-muted"}  # fmt: skip


class TrendsScreen(Workplace, Screen[None]):
    """Is it getting better, and is it only the notes?"""

    CSS_PATH = "trends.tcss"
    HELP = """\
## Trends

Week by week: is the backlog shrinking, are more notes written within the rule, how much
charting spills into evenings, and does dread ease as the notes get done? While a catch-up
sprint runs, its burndown is here too.

**← →** switch chart · **[ ]** shorter or longer span (4, 12, 26 or 52 weeks) · **h** the
same-day habit: a calendar of the last 52 weeks, a row per weekday, one mark a day (all notes
within the rule, some later, still in time, no sessions), with the streaks and the strength.

**p** prints the workload summary of the span shown: one page of counts and rates (never a
client reference) to take to a supervisor, saved as a PDF in the `reports` folder.

A week with nothing logged is a gap, not a zero; the week under way is starred (*). The line
under each chart says in words what changed over the full weeks shown."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "chart(1)", "Chart", tooltip="Next chart"),
        Binding("left", "chart(-1)", "Previous chart", show=False),
        Binding("right_square_bracket", "span(1)", "Span", tooltip="Longer span"),
        Binding("left_square_bracket", "span(-1)", "Shorter span", show=False),
        Binding("h", "habit", "Habit", tooltip="The same-day habit's calendar"),
        Binding("p", "summary", "Summary", tooltip="Print the workload summary to share"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.weeks: list[trends.Week] = []
        self.burndown: trends.Burndown | None = None
        self.span = 12
        self.chart = "backlog"
        self.loaded = False
        self.habit: habit.Habit | None = None
        self.show_habit = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="trends", classes="panel"):
            yield Static(id="choices")
            yield PlotextPlot(id="chart")
            yield Static(id="heatmap")
            yield Static("Reading your weeks…", id="words")
        yield Footer()

    def on_mount(self) -> None:
        # The series take the theme's colours: draw again when the theme changes.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.draw())
        self.load()

    @on(OutsideChange)
    def outside(self) -> None:
        # Another screen or process may have logged a day or finished a block meanwhile.
        if self.loaded:
            self.load()

    def on_screen_resume(self) -> None:
        self.outside()

    @store_work("trends")
    def load(self, ws: Workspace) -> TrendsLoaded:
        now = ws.now()
        weeks = trends.weekly(ws.store, ws.settings, now, max(trends.SPANS))
        figures = habit.current(ws.store, ws.settings, now)
        return TrendsLoaded(weeks, trends.current_burndown(ws.store, now), figures)

    @on(TrendsLoaded)
    def loaded_weeks(self, message: TrendsLoaded) -> None:
        self.weeks, self.burndown, self.loaded = message.weeks, message.burndown, True
        self.habit = message.habit
        if self.chart not in self.names():
            self.chart = "backlog"
        self.draw()

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        if message.what == "summary":
            self.notify(message.error, title="Not saved", severity="error")
            return
        self.query_one("#words", Static).update(f"Could not read your weeks: {message.error}")

    def action_summary(self) -> None:
        self.print_summary(self.span)

    @store_work("summary", failed="Summary not saved: ", name="printing")
    def print_summary(self, ws: Workspace, weeks: int) -> FileSaved:
        from tracker import workload_report  # fpdf2 and the planner: only when printing

        now = ws.now()
        figures, finish = workload_report.gather(ws.store, ws.settings, now, weeks)
        shown = workload_report.build(figures, ws.settings.rules.threshold, finish)
        path = ws.home / REPORTS_DIR / f"workload-{now:%Y-%m-%d}-{weeks}w.pdf"
        ensure_dir(path.parent)
        workload_report.write_pdf(path, shown, ws.home, now, paper_for(ws))
        return FileSaved("summary", str(path))

    @on(FileSaved)
    def saved(self, message: FileSaved) -> None:
        self.notify(f"Saved {message.path} (only you can read it).", title="Summary printed")

    def names(self) -> list[str]:
        return charts.WEEKLY + ([charts.SPRINT_ONLY] if self.burndown else [])

    def action_habit(self) -> None:
        self.show_habit = not self.show_habit
        self.draw()

    def action_chart(self, step: int) -> None:
        if self.show_habit:  # back to the charts, where they were
            self.show_habit = False
            self.draw()
            return
        names = self.names()
        self.chart = names[(names.index(self.chart) + step) % len(names)]
        self.draw()

    def action_span(self, step: int) -> None:
        spans = trends.SPANS
        at = min(max(spans.index(self.span) + step, 0), len(spans) - 1)
        self.span = spans[at]
        self.draw()

    def on_resize(self) -> None:
        # Tick labels are thinned to the width: redraw when it changes.
        self.draw()

    def draw(self) -> None:
        if not self.loaded:
            return
        plot = self.query_one(PlotextPlot)
        plot.display = not self.show_habit
        self.query_one("#heatmap").display = self.show_habit
        if self.show_habit:
            self._draw_habit()
            return
        settings = workspace(self).settings
        weeks = self.weeks[-self.span :]
        plt = plot.plt
        plt.clear_figure()
        width = plot.size.width or self.size.width or 80
        palette = self._palette()
        if self.chart == charts.SPRINT_ONLY and self.burndown is not None:
            charts.draw_burndown(plt, self.burndown, settings, width, palette=palette)
            words = charts.burndown_words(self.burndown)
        else:
            charts.draw(plt, self.chart, weeks, settings, width, palette=palette)
            words = charts.words(self.chart, weeks, settings)
        plot.refresh()
        self.query_one("#words", Static).update(words)
        self.query_one("#choices", Static).update(self._choices())
        panel = self.query_one("#trends")
        panel.border_title = "Trends"
        panel.border_subtitle = (
            "sprint so far" if self.chart == charts.SPRINT_ONLY else f"last {self.span} weeks"
        )

    def _draw_habit(self) -> None:
        """The heatmap of as many of the last 52 weeks as the width holds, and the figures."""
        figures = self.habit
        panel = self.query_one("#trends")
        panel.border_subtitle = ""
        self.query_one("#choices", Static).update(
            Text.assemble(("[Habit]", "bold"), ("  h or ← →: back to the charts", "dim"))
        )
        if figures is None:
            return
        width = (self.query_one("#heatmap").size.width or self.size.width or 80) - habit.LABEL
        weeks = max(1, min(52, width - 1))
        days = figures.days[-(7 * (weeks - 1) + figures.today.weekday() + 1) :]
        hm = habit.heatmap(days, figures.today, figures.rule_hours)
        variables = self.app.theme_variables
        ground = Color.parse(variables.get("background", "black"))
        colours = {  # a muted colour is a translucent one: over the background, as drawn
            style: (ground + Color.parse(variables[variable])).hex6
            if variable in variables
            else habit.COLOURS[style]
            for style, variable in HEATMAP_COLOURS.items()
        }
        text = Text()
        for n, line in enumerate(hm.lines):
            start = len(text)
            text.append(line + "\n")
            for span in hm.spans:
                if span.line == n:
                    text.stylize(colours[span.style], start + span.start, start + span.end)
        self.query_one("#heatmap", Static).update(text)
        self.query_one("#words", Static).update(
            f"{habit.summary_line(figures)}. {habit.STRENGTH_MEANS}"
        )
        panel.border_subtitle = f"last {weeks} weeks"

    def _choices(self) -> Text:
        """The charts and spans, the current ones bracketed and bold (not colour alone)."""
        text = Text()
        hours = workspace(self).settings.rules.rule_hours
        for name in self.names():
            label = LABELS[name].replace("{hours}", str(hours))
            if name == self.chart:
                text.append(f"[{label}]", style="bold")
            else:
                text.append(f" {label} ", style="dim")
            text.append(" ")
        text.append("  ")
        for span in trends.SPANS:
            text.append(f"[{span}w]" if span == self.span else f" {span}w ",
                        style="bold" if span == self.span else "dim")  # fmt: skip
        return text

    def _palette(self) -> dict[str, Any]:
        variables = self.app.theme_variables
        palette = {}
        for series, variable in THEME_COLOURS.items():
            value = variables.get(variable)
            if value:
                palette[series] = Color.parse(value).rgb
        return palette
