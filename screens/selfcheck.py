"""The Self-check screen: one statement at a time, keyboard only, then the result and history."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Static

from screens.footer import Footer
from screens.messages import DataChanged, FileSaved, OutsideChange, WorkFailed
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import crisis, report
from tracker.errors import InputError
from tracker.paths import REPORTS_DIR, ensure_dir
from tracker.pdf import paper_for
from tracker.selfcheck import (
    Questionnaire,
    Result,
    evaluate,
    is_due,
)
from tracker.selfcheck_context import gather
from tracker.summary import bar
from tracker.words import plural
from tracker.workspace import Workspace

SHORT_PROFILE = {
    "documentation_overload": "overload",
    "broader_burnout": "burnout signs",
    "both": "both",
    "neither": "no marked strain",
}
HISTORY_ROWS = 8


class SelfCheckScreen(Workplace, Screen[None]):
    """Intro and history, then the questions one by one, then the result (crisis lines first)."""

    CSS_PATH = "selfcheck.tcss"
    HELP = """\
## Self-check

Short statements about the last two weeks, one at a time. Press a number to answer;
← or p goes back, → or n goes forward to a statement you have answered. The result tells a
documentation overload (a workflow problem with workflow fixes) from broader signs of burnout
(a wellbeing matter that deserves support), beside what your own check-ins show. It is a
self-report of signs, not a diagnosis.

If you answer a safety statement (thoughts of ending your life, of harming yourself, or that the
people you work with would be better off without you) above "not at all", crisis contacts for
your country come first, with what to do today and this week, and the next self-check is due in
7 days. A single strong sign is named on its own, whatever the averages. Every result ends with
your local crisis line.

On the result, e prints a one-page PDF (to the `reports` folder in your data folder); v switches
between a full print and a private one, which leaves out the safety answers and everything that
follows from them, for a summary you might hand to someone else. r starts again. Results are
kept, so the start screen shows earlier ones; a new self-check is due every four weeks."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "begin", "Begin"),
        *(Binding(str(d), f"answer({d})", show=False) for d in range(10)),
        Binding("left,p", "move(-1)", "Back", priority=True),
        Binding("right,n", "move(1)", "Next", priority=True),
        Binding("e", "print_pdf", "Print PDF"),
        Binding("v", "toggle_private", "Full/private print"),
        Binding("r", "restart", "Start again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state = "intro"
        self.position = 0
        self.answers: dict[str, int] = {}
        self.result: Result | None = None
        self.summary: report.Summary | None = None
        self.q: Questionnaire | None = None
        self.problem: str | None = None
        self.private = False
        """Print without the safety answers (the setting private_print is the default)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="intro", id="views"):
            with VerticalScroll(id="intro"):
                yield Static("", id="intro-text")
                yield Static("", id="history", classes="panel")
                yield Static("", id="intro-quiet", classes="quiet")
            with Vertical(id="asking"):
                yield Static("", id="progress")
                yield Static("", id="recall", classes="hint")
                yield Static("", id="statement")
                yield Static("", id="choices")
                yield Static(
                    "Press a number to answer · ← or p: back · → or n: next", classes="hint"
                )
            with Vertical(id="result"):
                with VerticalScroll(id="result-body"):
                    yield Static("", id="crisis")
                    yield Static("", id="profile", classes="panel")
                    yield Static("", id="context", classes="panel")
                    yield Static("", id="suggestions", classes="panel")
                    yield Static("", id="earlier", classes="panel")
                    yield Static("", id="print-hint", classes="hint")
                # Outside the scroll: the local crisis line is always in view.
                yield Static("", id="result-quiet", classes="quiet")
        yield Footer()

    def on_mount(self) -> None:
        from tracker import questionnaire  # pydantic (~150 ms): only once this screen opens

        ws = workspace(self)
        self.private = ws.settings.private_print
        try:
            self.q = questionnaire.load(questionnaire.DEFAULT_NAME, ws.home)
        except InputError as exc:
            self.problem = str(exc)
        self.query_one("#history").border_title = "Earlier self-checks"
        self.query_one("#profile").border_title = "Your result"
        self.query_one("#context").border_title = "From your tracker"
        self.query_one("#suggestions").border_title = "Suggestions"
        self.query_one("#earlier").border_title = "Earlier self-checks"
        self.show_intro()

    # -- views ----------------------------------------------------------------------------------

    def _switch(self, state: str) -> None:
        self.state = state
        self.query_one(ContentSwitcher).current = state
        self.refresh_bindings()

    def _crisis(self) -> crisis.Resources:
        ws = workspace(self)
        return crisis.resources(ws.settings.locale, ws.home)

    def show_intro(self) -> None:
        ws = workspace(self)
        today = ws.now().date()
        history = ws.store.selfchecks(limit=HISTORY_ROWS)
        last = history[0]["taken_on"] if history else None
        flagged = bool(history and history[0]["safety_flag"])
        if self.q is None:
            text = f"[b]The self-check cannot start[/b]\n{escape(self.problem or '')}"
        else:
            if last is None:
                due = "You have not taken a self-check yet."
            else:
                days = (today - last).days
                due = f"Last one {last:%d %b %Y}, {plural(days, 'day')} ago"
                due += ": one is due." if is_due(last, today, flagged) else "."
            text = (
                f"[b]{escape(self.q.title)}[/b]\n\n{escape(self.q.intro)}\n\n"
                f"{len(self.q.items)} statements, about two minutes. {due}\n\n"
                "[b]Press Enter to begin.[/b]"
            )
        self.query_one("#intro-text", Static).update(text)
        self.query_one("#history", Static).update(_history_text(history))
        self.query_one("#intro-quiet", Static).update(escape(self._crisis().quiet_line()))
        self._switch("intro")
        self.query_one("#intro", VerticalScroll).focus()

    def show_item(self) -> None:
        assert self.q is not None
        item = self.q.items[self.position]
        total = len(self.q.items)
        done = len(self.answers)
        self.query_one("#progress", Static).update(
            f"Statement {self.position + 1} of {total}   {_gauge(done, total)}  {done} answered"
        )
        self.query_one("#recall", Static).update(escape(self.q.recall))
        self.query_one("#statement", Static).update(f"[b]{escape(item.text)}[/b]")
        chosen = self.answers.get(item.id)
        lines = []
        for value in range(item.scale.min, item.scale.max + 1):
            mark = "▶" if value == chosen else " "
            label = escape(item.scale.label(value))
            line = f" {mark} {value}  {label}"
            lines.append(f"[reverse]{line}  (your answer) [/reverse]" if value == chosen else line)
        self.query_one("#choices", Static).update("\n".join(lines))
        self._switch("asking")

    def show_result(self) -> None:
        assert self.result is not None and self.summary is not None
        s = self.summary
        crisis_box = self.query_one("#crisis", Static)
        crisis_box.display = s.safety_flag
        if s.safety_flag:
            crisis_box.border_title = "Support, first"
            crisis_box.update(
                f"[b]{escape(s.safety_headline)}[/b]\n{escape(s.safety_words)}\n\n"
                + "\n".join(f"[b]{escape(x)}[/b]" for x in s.crisis)
            )
        width = max(len(label) for label, _ in s.scores)
        scores = "\n".join(
            f"{escape(label):<{width}}  {value:>3}/100  {bar(value, 100, 20)}"
            for label, value in s.scores
        )
        signs = (
            "\n\n[b]Signs that stand out[/b]\n" + "\n".join(f"• {escape(x)}" for x in s.signs)
            if s.signs
            else ""
        )
        self.query_one("#profile", Static).update(
            f"[b]{s.date_text} · {escape(s.profile_label)}[/b]\n{escape(s.profile_words)}\n\n"
            f"{scores}{signs}\n\n[i]{escape(s.disclaimer)}[/i]"
        )
        context = self.query_one("#context", Static)
        context.display = bool(s.context)
        context.update("\n".join(f"• {escape(line)}" for line in s.context))
        self.query_one("#suggestions", Static).update(
            "\n".join(f"• {escape(line)}" for line in s.suggestions)
            + (f"\n\n[b]{escape(s.next_due)}[/b]" if s.next_due else "")
        )
        self._show_print_hint()
        self.query_one("#earlier", Static).update("\n".join(escape(t) for t in s.trend))
        self.query_one("#result-quiet", Static).update(escape(s.quiet_line))
        self._switch("result")
        scroll = self.query_one("#result-body", VerticalScroll)
        scroll.scroll_home(animate=False)
        scroll.focus()

    # -- actions --------------------------------------------------------------------------------

    def _show_print_hint(self) -> None:
        kind = "private (no safety answers)" if self.private else "full"
        self.query_one("#print-hint", Static).update(
            f"↑/↓ scroll · e: print a one-page PDF, {kind} · v: switch full/private · "
            "r: back to the start"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = {
            "begin": self.state == "intro" and self.q is not None,
            "answer": self.state == "asking",
            "move": self.state == "asking",
            "print_pdf": self.state == "result",
            "toggle_private": self.state == "result",
            "restart": self.state == "result",
        }
        return allowed.get(action, True)

    def action_begin(self) -> None:
        self.answers, self.position, self.result = {}, 0, None
        self.show_item()

    def action_answer(self, value: int) -> None:
        assert self.q is not None
        item = self.q.items[self.position]
        if not item.scale.min <= value <= item.scale.max:
            self.notify(f"Press a number from {item.scale.min} to {item.scale.max}.")
            return
        self.answers[item.id] = value
        if len(self.answers) == len(self.q.items) and self.position == len(self.q.items) - 1:
            self.finish()
            return
        self.position = min(self.position + 1, len(self.q.items) - 1)
        self.show_item()

    def action_move(self, step: int) -> None:
        assert self.q is not None
        item = self.q.items[self.position]
        if step > 0 and item.id not in self.answers:
            self.notify("Answer this one first, with a number key.")
            return
        if step > 0 and self.position == len(self.q.items) - 1:
            self.finish()
            return
        self.position = max(0, min(len(self.q.items) - 1, self.position + step))
        self.show_item()

    def action_restart(self) -> None:
        self.show_intro()

    def finish(self) -> None:
        """Score on the event loop (pure, fast); keep the result in a worker."""
        assert self.q is not None
        ws = workspace(self)
        now = ws.now()
        self.result = evaluate(self.q, self.answers, now.date(), gather(ws.store, ws.settings, now))
        history = ws.store.selfchecks(limit=report.TREND_ROWS)
        self.summary = report.build(self.result, self.q, self._crisis(), history)
        self.show_result()
        self.keep(self.result)

    @store_work("selfcheck")
    def keep(self, ws: Workspace, result: Result) -> DataChanged:
        result_id = ws.store.add_selfcheck(
            taken_on=result.taken_on,
            taken_at=ws.now(),
            questionnaire=result.questionnaire,
            answers=result.answers,
            scores=result.scores,
            profile=result.profile,
            safety_flag=result.safety_flag,
        )
        return DataChanged("selfcheck", {"id": result_id})

    def action_toggle_private(self) -> None:
        self.private = not self.private
        self._show_print_hint()

    def action_print_pdf(self) -> None:
        if self.summary is not None and self.result is not None and self.q is not None:
            ws = workspace(self)
            history = ws.store.selfchecks(limit=report.TREND_ROWS + 1)
            printed = report.build(
                self.result, self.q, self._crisis(), history, private=self.private
            )
            kind = "-private" if self.private else ""
            name = f"selfcheck-{self.result.taken_on.isoformat()}{kind}.pdf"
            self.print_pdf(printed, ws.home / REPORTS_DIR / name)

    @store_work("selfcheck-pdf", failed="PDF not saved: ")
    def print_pdf(self, ws: Workspace, summary: report.Summary, path: Path) -> FileSaved:
        ensure_dir(path.parent)
        paper = paper_for(ws)
        report.write_pdf(path, summary, ws.home, ws.now(), paper)
        return FileSaved("selfcheck-pdf", str(path))

    @on(OutsideChange)
    def outside(self) -> None:
        # The intro's history and due date (a self-check taken from the CLI); answers in progress
        # and a result on screen stay as they are.
        if self.state == "intro":
            self.show_intro()

    @on(DataChanged)
    def kept(self, message: DataChanged) -> None:
        if message.what == "selfcheck" and self.result is not None:
            self.result.id = message.detail.get("id")

    @on(FileSaved)
    def saved(self, message: FileSaved) -> None:
        self.notify(
            f"PDF saved to {message.path} (only you can read it; print it from there).",
            title="PDF saved",
        )

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.notify(message.error, title="Not saved", severity="error")


def _gauge(done: int, total: int, width: int = 16) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _history_text(history: list[dict[str, Any]]) -> str:
    if not history:
        return "None yet. Each result is kept here so you can compare them over time."
    rows = []
    for h in history:
        scores = h["scores"]
        parts = [f"{d} {scores[d]:>3}" for d in ("overload", "burnout") if d in scores]
        label = SHORT_PROFILE.get(h["profile"], h["profile"])
        rows.append(f"{h['taken_on']:%d %b %Y}  {escape(label):<13}  {'  '.join(parts)}")
    return "\n".join(rows)
