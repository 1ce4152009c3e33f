"""The Sprint screen: the plan's parameters, its blocks, a burndown, and "mark block done"."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Select, Static
from textual_plotext import PlotextPlot

from screens.footer import Footer
from screens.late_entry import LateEntry
from screens.messages import DataChanged, OutsideChange, SprintReady, WhatIfAnswered, WorkFailed
from screens.work import Workplace, said, store_work
from screens.workspace import workspace
from tracker import blocks, burndown, whatif, words
from tracker import sprint as sp
from tracker.clock import DATE_RANGE, date_in_range
from tracker.errors import InputError
from tracker.planner import PlanParams
from tracker.settings import STRATEGIES
from tracker.store import Store
from tracker.words import plural
from tracker.workspace import Workspace

# (input id, label): the parameters a user changes most, in two rows.
PARAMS: list[list[tuple[str, str]]] = [
    [("p-days", "Days"), ("p-minutes", "Minutes a block"), ("p-notes", "Notes a block")],
    [("p-target", "Target"), ("p-inflow", "New notes a week")],
]
# A plan's fields as this screen labels them, for the core's errors about them.
WHAT_IF_MAX = 5
LABELS = {
    "days": "Days",
    "block_minutes": "Minutes a block",
    "notes_per_block": "Notes a block",
    "target": "Target",
    "inflow": "New notes a week",
    "strategy": "Order",
    "notes": "Block done: notes",
}


class SprintScreen(Workplace, Screen[None]):
    """Plan catch-up blocks, follow them on a burndown, and log each one when it is done."""

    CSS_PATH = "sprint.tcss"
    # The table takes the cursor as the screen opens. Focusing it from on_mount raced Textual's
    # auto-focus of the first field, and the plan arriving meanwhile skipped that field's value.
    AUTO_FOCUS = "#blocks"
    HELP = """\
## Sprint

Turns the backlog into a plan: catch-up blocks on your days, the notes for each block grouped by
note type (so you stay in one frame of mind), and the day you would be caught up.

- **Parameters**: days (e.g. `tue,thu`), minutes a block, a fixed number of notes a block (0 sizes
  blocks by minutes per note type), a target date, new notes a week (`0`, a number, or `recent`)
  and the order (`risk`: court and legal first; `recent`: newest first). Enter, or `r`, re-plans
  and saves.
- **Blocks**: done ones with a tick, then the next one and those planned after it, each named by
  its planned day (as `caughtup block show` names it).
- **Burndown**: notes left as first planned, re-based on the new notes that arrived since (dots),
  against what really happened (filled dots).
- **Block done** (`d`, or the button): marks the notes of the block due written (or the number
  you type, in triage order), shows the late-entry notations to copy, takes the minutes you spent
  to learn your pace, and re-plans the rest. New notes join the plan at their tier.

The plan assumes new notes are written {within} from now on; the line below the
finish date shows what would happen at the rate notes slipped over the last 4 weeks. A target
that would need more than three blocks a week gets a later date suggested instead.

**i** asks what if: caught up when, with one session fewer a week? Each press takes one more
away (up to five), from the measured rate of notes slipping past the rule; nothing is saved."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "replan", "Re-plan"),
        Binding("d", "block_done", "Block done"),
        Binding("i", "what_if", "What if", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: sp.SprintPlan | None = None
        self.fewer = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sprint"):
            for number, row in enumerate(PARAMS):
                with Horizontal(classes="params"):
                    for ident, label in row:
                        yield Label(label, classes="label")
                        yield Input(id=ident, compact=True, classes="param")
                    if number == 0:
                        yield Label("", id="p-time", classes="label")
                    if number == 1:
                        yield Label("Order", classes="label")
                        yield Select(
                            [(s, s) for s in STRATEGIES],
                            id="p-strategy",
                            compact=True,
                            allow_blank=False,
                            value="risk",
                        )
            yield Static("", id="summary")
            with Horizontal(id="middle"):
                table: DataTable[str] = DataTable(
                    id="blocks", cursor_type="row", zebra_stripes=True
                )
                yield table
                yield PlotextPlot(id="burndown")
            yield Static("", id="warnings")
            with Horizontal(id="done-row", classes="row"):
                yield Label("Block done: notes", classes="label")
                yield Input(id="done-notes", type="integer", compact=True)
                yield Label("minutes", classes="label")
                yield Input(id="done-minutes", type="integer", compact=True)
                yield Button("Mark block done", id="done", compact=True, variant="primary")
            yield Static("", id="sprint-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#blocks", DataTable)
        table.add_column("#", width=2, key="n")
        table.add_column("Date", width=10, key="date")
        table.add_column("Goal", width=20, key="goal")
        table.add_column("State", width=8, key="state")
        self.load(None)

    # -- workers ---------------------------------------------------------------------------------

    @store_work("sprint", labels=LABELS)
    def load(
        self, ws: Workspace, chosen: sp.Choices | None, save: bool | None = None
    ) -> SprintReady:
        """Re-plan: a current sprint is re-planned and saved; without one, a preview. With a
        calendar, the blocks go in its free time, as `caughtup plan` puts them."""
        store = ws.store
        now = ws.now()
        first = max(now.date(), chosen.start if chosen and chosen.start else now.date())
        busy, problem = sp.calendar_busy(ws.settings, now, first)
        with store.transaction():  # a plan saved over exactly what it was built from
            result = sp.build(store, ws.settings, now, chosen, busy=busy)
            notes = [problem.capitalize() + "."] if problem else []
            if save or (save is None and result.sprint is not None):
                result = sp.save(store, result, now)
                notes += ["Plan saved as your sprint."] if save else []
        return self._ready(store, result, now.date(), " ".join(notes))

    @store_work("block_done", group="sprint", labels=LABELS)
    def log_done(
        self, ws: Workspace, notes: int | None, minutes: int | None
    ) -> tuple[SprintReady, DataChanged]:
        now = ws.now()
        busy, _ = sp.calendar_busy(ws.settings, now, now.date())  # unread: as the plan was
        done = blocks.log_block(ws.store, ws.settings, now, notes=notes, minutes=minutes, busy=busy)
        note = (
            f"Block {blocks.block_name(done.block)} done: "
            f"{plural(len(done.written), 'note')} in {done.minutes} minutes, "
            f"{done.remaining} left. Real progress."
        )
        notations = [(i.id or 0, i.notation) for i in done.written if i.notation]
        return (
            self._ready(ws.store, done.after, now.date(), note),
            DataChanged("block_done", {"remaining": done.remaining, "notations": notations}),
        )

    @store_work("what_if", name="what if")
    def what_if(self, ws: Workspace, params: PlanParams, change: int) -> WhatIfAnswered:
        answer = whatif.for_plan(ws.store, params, ws.settings.rules, ws.now(), change)
        return WhatIfAnswered(whatif.lines(answer))

    def action_what_if(self) -> None:
        if self.result is not None:
            self.fewer = self.fewer % WHAT_IF_MAX + 1
            self.what_if(self.result.plan.params, -self.fewer)

    @on(WhatIfAnswered)
    def answered(self, message: WhatIfAnswered) -> None:
        lines = [line.strip().removeprefix("What if").strip() for line in message.lines]
        self.notify("\n".join(lines), title="What if", timeout=20)

    def _ready(self, store: Store, result: sp.SprintPlan, today: date, note: str) -> SprintReady:
        sprint = result.sprint
        if sprint is not None and not result.ended:
            planned, actual = burndown.burndown(sprint, result.done, today, result.outstanding)
            # Compared with the first plan re-based on the new notes since, as the CLI does.
            arrived = burndown.arrivals(store.current_items(sprint.started_on), sprint, store.tz)
            planned = burndown.rebase(planned, arrived, today)
        else:
            planned, actual = burndown.projection(result), [(today, result.outstanding)]
        return SprintReady(result, planned, actual, note)

    # -- showing a plan --------------------------------------------------------------------------

    @on(SprintReady)
    def show(self, message: SprintReady) -> None:
        result: sp.SprintPlan = message.plan
        self.result = result
        self._fill_params(result)
        self._fill_summary(result)
        self._fill_table(result)
        self._draw_burndown(message.planned, message.actual)
        self.query_one("#sprint-error", Static).update("")
        if message.note:
            self.notify(message.note, title="Sprint")

    def _fill_params(self, result: sp.SprintPlan) -> None:
        p = result.plan.params
        values = {
            "p-days": ",".join(p.days),
            "p-minutes": str(p.block_minutes),
            "p-notes": str(p.notes_per_block),
            "p-target": p.target.isoformat() if p.target else "",
            "p-inflow": result.choices.inflow or "0",
        }
        for ident, value in values.items():
            widget = self.query_one(f"#{ident}", Input)
            if not widget.has_focus:
                widget.value = value
        self.query_one("#p-target", Input).placeholder = "none"
        self.query_one("#p-time", Label).update(f"at {p.start_time:%H:%M}")
        self.query_one("#p-strategy", Select).value = p.strategy
        first = result.plan.blocks[0] if result.plan.blocks else None
        notes_in = self.query_one("#done-notes", Input)
        minutes_in = self.query_one("#done-minutes", Input)
        notes_in.placeholder = f"all {len(first.item_ids)}" if first else "-"
        minutes_in.placeholder = str(first.minutes) if first else "-"

    def _fill_summary(self, result: sp.SprintPlan) -> None:
        plan = result.plan
        text = Text()
        if result.outstanding == 0:
            text.append("Nothing outstanding: no catch-up blocks needed. You are caught up.")
        else:
            if plan.finish_date is not None and plan.blocks:
                weeks = (plan.blocks[-1].date - plan.blocks[0].date).days // 7 + 1
                text.append(f"Finish {words.day(plan.finish_date, year=False)}", style="bold")
                text.append(
                    f" · {plural(len(plan.blocks), 'block')}, {plural(weeks, 'week')} · "
                    f"{result.outstanding} left"
                )
            else:
                text.append("No finish date at this pace", style="bold")
                text.append(f" · {plural(result.outstanding, 'note')} left")
            if plan.params.target is not None:
                if plan.meets_target:
                    text.append(" · target met ✓")
                else:  # what would meet it is in the plan's warnings below
                    text.append(" · target missed")
            rule_set = workspace(self).settings.rules
            premise, measured = words.premise(plan, result.inflow_source, rule_set)
            text.append(f"\nPremise: {premise}.")
            if measured is not None:
                text.append(f"\n{measured[0].upper()}{measured[1:]}.")
        if result.sprint is None or result.ended:
            text.append("\nA preview: press r to save it as your sprint.", style="italic")
        self.query_one("#summary", Static).update(text)
        warnings = Text()
        for w in plan.warnings:
            warnings.append("! ", style="bold")
            warnings.append(w.message + "\n")
        self.query_one("#warnings", Static).update(warnings)
        self.query_one("#warnings").display = bool(plan.warnings)

    def _fill_table(self, result: sp.SprintPlan) -> None:
        table = self.query_one("#blocks", DataTable)
        table.clear()
        n = 0
        for b in result.done:
            n += 1
            written = len(b.done_ids or [])
            # Named by its planned day, as `caughtup block done` and `block show` name it.
            table.add_row(
                str(n), words.day(b.day, year=False), b.goal, f"✓ {written} done", key=f"d{b.id}"
            )
        for k, block in enumerate(result.plan.blocks):
            n += 1
            state = "next" if k == 0 and result.sprint is not None else "planned"
            table.add_row(str(n), words.day(block.date, year=False), block.goal, state, key=f"p{n}")

    def _draw_burndown(
        self, planned: list[tuple[date, int]], actual: list[tuple[date, int]]
    ) -> None:
        widget = self.query_one("#burndown", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        if not planned:
            widget.refresh()
            return
        origin = planned[0][0]
        plt.plot(
            [(d - origin).days for d, _ in planned],
            [n for _, n in planned],
            marker="·",
            label="planned",
        )
        plt.plot(
            [(d - origin).days for d, _ in actual],
            [n for _, n in actual],
            marker="●",
            label="actual",
        )
        last = max(planned[-1][0], actual[-1][0])
        span = max(1, (last - origin).days)
        ticks = sorted({0, span // 2, span})
        labels = [f"{origin.fromordinal(origin.toordinal() + t):%d %b}" for t in ticks]
        plt.xticks([float(t) for t in ticks], labels)
        top = max(n for _, n in planned + actual) or 1
        plt.ylim(0, top)
        plt.yticks(sorted({0, top // 2, top}))
        plt.title("Notes left")
        widget.refresh()

    # -- actions ---------------------------------------------------------------------------------

    def _read_choices(self) -> sp.Choices:
        def number(ident: str, lo: int, hi: int, label: str) -> int | None:
            raw = self.query_one(f"#{ident}", Input).value.strip()
            if not raw:
                return None
            try:
                value = int(raw)
            except ValueError:
                raise InputError(f"{label} must be a whole number, got {raw!r}") from None
            if not lo <= value <= hi:
                raise InputError(f"{label} must be {lo} to {hi}, got {value}")
            return value

        days_raw = self.query_one("#p-days", Input).value.strip()
        target_raw = self.query_one("#p-target", Input).value.strip()
        inflow_raw = self.query_one("#p-inflow", Input).value.strip()
        try:
            target = date.fromisoformat(target_raw) if target_raw else None
        except ValueError:
            raise InputError(f"Target must be a date as YYYY-MM-DD, got {target_raw!r}") from None
        if target is not None and not date_in_range(target):
            raise InputError(f"Target must be a date {DATE_RANGE}, got {target_raw!r}")
        strategy = self.query_one("#p-strategy", Select).value
        return sp.Choices(
            days=sp.parse_days(days_raw) if days_raw else None,
            block_minutes=number("p-minutes", *sp.BLOCK_MINUTES, "Minutes"),
            notes_per_block=number("p-notes", *sp.NOTES_PER_BLOCK, "Notes/block"),
            target=target,
            no_target=not target_raw,
            strategy=str(strategy) if isinstance(strategy, str) else None,
            inflow=sp.parse_inflow(inflow_raw) if inflow_raw else None,
        )

    def action_replan(self) -> None:
        try:
            chosen = self._read_choices()
        except InputError as exc:
            self._error(said(exc, LABELS))
            return
        self.load(chosen, save=True)

    @on(Input.Submitted, ".param")
    def param_submitted(self) -> None:
        self.action_replan()

    @on(Select.Changed, "#p-strategy")
    def strategy_changed(self, event: Select.Changed) -> None:
        if self.result is not None and event.value != self.result.plan.params.strategy:
            self.action_replan()

    @on(Input.Submitted, "#done-notes, #done-minutes")
    @on(Button.Pressed, "#done")
    def action_block_done(self) -> None:
        result = self.result
        if result is None or result.sprint is None or result.ended:
            self._error("No sprint yet: press r to save this plan as your sprint first.")
            return
        try:
            notes = self._int("#done-notes", 0, 200, "Notes")
            minutes = self._int("#done-minutes", 1, 600, "Minutes")
        except InputError as exc:
            self._error(str(exc))
            return
        self.query_one("#done-notes", Input).value = ""
        self.query_one("#done-minutes", Input).value = ""
        self.log_done(notes, minutes)

    def _int(self, selector: str, lo: int, hi: int, label: str) -> int | None:
        raw = self.query_one(selector, Input).value.strip()
        if not raw:
            return None
        value = int(raw)  # the Input only accepts integers
        if not lo <= value <= hi:
            raise InputError(f"{label} must be {lo} to {hi}, got {value}")
        return value

    def _error(self, text: str) -> None:
        self.query_one("#sprint-error", Static).update(text)

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self._error(message.error)
        self.notify(message.error, title="Not saved", severity="error")

    @on(DataChanged)
    def changed(self, message: DataChanged) -> None:
        if message.what == "block_done":
            self.query_one("#blocks", DataTable).focus()
            if message.detail["notations"]:
                self.app.push_screen(LateEntry(message.detail["notations"]))

    def on_screen_resume(self) -> None:
        # Back from another screen: items may have changed, so re-plan (new ones join at their tier).
        self.outside()

    @on(OutsideChange)
    def outside(self) -> None:
        # A re-plan that changes nothing writes nothing, so this never feeds on itself.
        if self.result is not None:
            self.load(None)
