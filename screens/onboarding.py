"""First run: a few questions, each with a sensible default, or the demo first.

Enter keeps what is in the field and moves on, Escape goes back a step, ctrl+n skips the rest
with the defaults. Nothing is saved until the last step, so leaving half-way changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.footer import Footer
from screens.messages import DataChanged, WorkFailed
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import clock, crisis
from tracker import settings as settings_mod
from tracker.errors import InputError
from tracker.settings import Settings
from tracker.workspace import Workspace


@dataclass(frozen=True)
class Field:
    key: str  # the dotted setting it fills
    label: str


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    text: str
    fields: tuple[Field, ...] = ()


STEPS: tuple[Step, ...] = (
    Step(
        "welcome",
        "Welcome to caughtup",
        "caughtup helps you write notes within a day, and catch up calmly when they pile up. "
        "A few questions follow, about a minute in all; each has a sensible default, so Enter "
        "keeps it. Or look around a sample first: your own data stays untouched.",
    ),
    Step(
        "timezone",
        "Your time zone",
        "Due times and days follow it. Leave it empty to follow your computer ({system}), "
        "or type a zone like Europe/Dublin or America/Chicago.",
        (Field("timezone", "Time zone"),),
    ),
    Step(
        "days",
        "Your working days",
        "The days you see clients, e.g. mon,tue,wed,thu,fri.",
        (Field("working_days", "Working days"),),
    ),
    Step(
        "threshold",
        "Your threshold",
        "When this many notes are open, caughtup says: catch up now, not tomorrow. Five is a "
        "good start: five notes take about 45 minutes, a backlog of fifty takes weeks.",
        (Field("rules.threshold", "Open notes"),),
    ),
    Step(
        "blocks",
        "Catch-up blocks",
        "Protected time for older notes, used when you plan a catch-up sprint. Two 90-minute "
        "blocks a week suit most people.",
        (
            Field("sprint.days", "Days"),
            Field("sprint.start", "Start (HH:MM)"),
            Field("sprint.block_minutes", "Minutes each"),
        ),
    ),
    Step(
        "locale",
        "Your country",
        "For crisis contacts, should you ever need them: caughtup shows only numbers checked on "
        "each service's own site. Not listed? Choose the last line: your local emergency number "
        "and a directory of lines for every country.",
    ),
    Step(
        "notify",
        "Reminders (optional)",
        "A notification address (apprise URL) such as ntfy://your-topic, for gentle reminders "
        "when a note passes the rule. Messages carry counts only, never a client reference. "
        "Leave it empty for none; you can add one later in Settings.",
        (Field("notify.urls", "Address"),),
    ),
    Step("done", "All set", "Here is what caughtup will use:"),
)
WELCOME_CHOICES = (
    ("setup", "Set up now (about a minute)"),
    ("demo", "Explore the demo data first"),
    ("skip", "Skip: start with the defaults"),
)


def _country_words(res: crisis.Resources) -> str:
    if res.is_other:
        return f"{res.emergency} and {res.lines[0].contact}"
    return res.country


class FieldProblem(InputError):
    """A bad answer in one onboarding field: `input_id` is its Input, `step` its step."""

    def __init__(self, message: str, input_id: str, step: Step) -> None:
        super().__init__(message)
        self.input_id, self.step = input_id, step


def _fid(key: str) -> str:
    """The id of the Input for a dotted setting key."""
    return "field-" + key.replace(".", "-")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


class OnboardingScreen(Workplace, ModalScreen[None]):
    """The first-run questions, one step at a time (modal: screen keys wait until it is done)."""

    CSS_PATH = "onboarding.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back a step"),
        Binding("ctrl+n", "skip_rest", "Skip the rest"),
        Binding("ctrl+q", "app.quit", "Quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.step = 0

    def compose(self) -> ComposeResult:
        draft = workspace(self).settings
        system = getattr(clock.resolve_tz(""), "key", "UTC")
        yield Header()
        with Vertical(id="onboarding", classes="panel"):
            with ContentSwitcher(initial=STEPS[0].id):
                for step in STEPS:
                    with Vertical(id=step.id, classes="step"):
                        yield Static(step.text.format(system=system), classes="text")
                        yield from self._widgets(step, draft, system)
            yield Static("", id="onboarding-error", classes="error")
            yield Static(
                "Enter: next · Esc: back a step · ctrl+n: skip the rest (defaults)", classes="hint"
            )
        yield Footer()

    def _widgets(self, step: Step, draft: Settings, system: str) -> ComposeResult:
        if step.id == "welcome":
            welcome = OptionList(*(Option(label, id=key) for key, label in WELCOME_CHOICES))
            welcome.highlighted = 0
            yield welcome
        elif step.id == "locale":
            yield OptionList(
                *(
                    Option(f"{c.country} ({c.code})" if not c.is_other else "Another country",
                           id=c.code)
                    for c in self._countries().countries()
                )
            )  # fmt: skip
        elif step.id == "done":
            yield Static("", id="summary")
        for fld in step.fields:
            value = settings_mod.get_value(draft, fld.key)
            with Vertical(classes="field"):
                yield Static(fld.label, classes="label")
                yield Input(
                    _text(value),
                    id=_fid(fld.key),
                    placeholder=f"empty: {system}" if fld.key == "timezone" else "",
                    compact=True,
                )

    def on_mount(self) -> None:
        self.query_one("#onboarding").border_title = "First run"
        self._show(0)

    # -- moving between steps -------------------------------------------------------------------

    def _show(self, index: int) -> None:
        self.step = index
        step = STEPS[index]
        self.query_one(ContentSwitcher).current = step.id
        self.query_one("#onboarding").border_subtitle = f"{index + 1} of {len(STEPS)}"
        self.query_one("#onboarding-error", Static).update("")
        self.query_one("#onboarding", Vertical).border_title = step.title
        if step.id == "done":
            self.query_one("#summary", Static).update(self._summary())
        if step.id == "locale":
            self.query_one("#locale OptionList", OptionList).highlighted = (
                self._countries().choices().index(self._guess_locale())
            )
        pane = self.query_one(f"#{step.id}")
        focusable = [w for w in pane.query("Input, OptionList") if isinstance(w, Widget)]
        if focusable:
            focusable[0].focus()
        else:
            self.set_focus(None)

    def _countries(self) -> crisis.Table:
        return crisis.table(workspace(self).home)

    def _guess_locale(self) -> str:
        """The country the system locale or the time zone suggests, else the current setting."""
        draft = self._draft(upto=self.step - 1)
        zone = draft.timezone or getattr(clock.resolve_tz(""), "key", "")
        home = workspace(self).home
        return crisis.guess(zone, home) or self._countries().canonical(draft.locale) or "other"

    def _draft(self, upto: int | None = None) -> Settings:
        """Settings with every answered field applied; InputError names the first bad one."""
        draft = workspace(self).settings
        for step in STEPS[: len(STEPS) if upto is None else upto + 1]:
            for fld in step.fields:
                raw = self.query_one(f"#{_fid(fld.key)}", Input).value
                try:
                    draft = settings_mod.set_value(draft, fld.key, raw)
                except InputError as exc:  # name the field as the screen does
                    raise FieldProblem(
                        str(exc).replace(fld.key, fld.label, 1), _fid(fld.key), step
                    ) from None
            if step.id == "locale":
                option = self.query_one("#locale OptionList", OptionList)
                code = option.get_option_at_index(option.highlighted or 0).id
                draft = settings_mod.set_value(draft, "locale", code)
        return draft

    def _summary(self) -> str:
        s = self._draft()
        zone = s.timezone or f"your computer's ({getattr(clock.resolve_tz(''), 'key', 'UTC')})"
        return (
            f"Time zone      {zone}\n"
            f"Working days   {', '.join(s.working_days)}\n"
            f"Threshold      {s.rules.threshold} open notes\n"
            f"Catch-up       {', '.join(s.sprint.days)} at {s.sprint.start}, "
            f"{s.sprint.block_minutes} minutes\n"
            f"Crisis info    {_country_words(self._countries().resources(s.locale))}\n"
            f"Reminders      {'on' if s.notify.urls else 'none yet'}\n\n"
            "Press Enter to start. Everything can be changed later in Settings (o)."
        )

    def next_step(self) -> None:
        try:
            self._draft(upto=self.step)
        except InputError as exc:
            if isinstance(exc, FieldProblem):  # the cursor to the field the error names
                if exc.step.id != STEPS[self.step].id:
                    self._show(STEPS.index(exc.step))
                self.query_one(f"#{exc.input_id}", Input).focus()
            self.query_one("#onboarding-error", Static).update(str(exc))
            return
        if STEPS[self.step].id == "done":
            self.finish(self._draft())
        else:
            self._show(self.step + 1)

    @on(Input.Changed)
    def retyped(self) -> None:
        # The error was about what was typed: once it is fixed, it goes.
        error = self.query_one("#onboarding-error", Static)
        if str(error.render()).strip():
            try:
                self._draft(upto=self.step)
            except InputError:
                return
            error.update("")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        step = STEPS[self.step]
        names = [_fid(f.key) for f in step.fields]
        if event.input.id in names and event.input.id != names[-1]:
            self.focus_next(Input)
        else:
            self.next_step()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if STEPS[self.step].id != "welcome":
            self.next_step()
        elif event.option.id == "demo":
            self.app.exit("demo")
        elif event.option.id == "skip":
            self.finish(workspace(self).settings)
        else:
            self._show(1)

    def key_enter(self) -> None:
        # The last step has no field to submit from.
        if STEPS[self.step].id == "done":
            self.next_step()

    def action_back(self) -> None:
        if self.step > 0:
            self._show(self.step - 1)

    def action_skip_rest(self) -> None:
        try:
            draft = self._draft(upto=self.step - 1) if self.step else None
        except InputError:
            draft = None
        self.finish(draft or workspace(self).settings)

    # -- saving ---------------------------------------------------------------------------------

    @store_work("onboarding", failed="Not saved: ", name="saving your settings")
    def finish(self, ws: Workspace, chosen: Settings) -> DataChanged:
        # Post back rather than call into the screen: dismissing it waits for this worker.
        # The answers the user changed, set on the file as it is now (not a copy of all of it).
        chosen = settings_mod.set_value(chosen, "onboarded", "true")
        changes = settings_mod.changed_keys(ws.settings, chosen)
        ws.change_settings(lambda now: settings_mod.with_values(now, changes))
        return DataChanged("settings")

    @on(WorkFailed)
    def not_saved(self, message: WorkFailed) -> None:
        self.query_one("#onboarding-error", Static).update(message.error)

    @on(DataChanged)
    def saved(self, message: DataChanged) -> None:
        self.dismiss()
        self.app.notify(
            "Welcome. Log today whenever you are ready: a few numbers in the form.",
            title="All set",
        )
