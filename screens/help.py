"""The help dialog (`?` or F1): the current screen, the keys, and the rules in plain words."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

from screens.places import PLACES, key_words
from screens.workspace import workspace
from tracker import words
from tracker.settings import Settings

# Used when a screen has no `HELP` of its own (a screen's HELP, if set, wins). In either,
# {hours} becomes the rule's hours from the settings, {within} "within 24 hours": no help says 24
# while the rule says 48.
SCREEN_HELP: dict[str, str] = {
    "today": """\
## Today

Log the day in a few keystrokes: sessions held, how many of their notes you wrote the same day,
and, if you like, older notes you cleared, minutes of charting after hours, and two 0 to 4
ratings (dread about notes, feeling drained in sessions). Enter moves to the next field; Enter on
the last one, or ctrl+s, saves. Logging the same day again corrects it; it never counts twice.

Beside the form, **At a glance** shows your open notes against the threshold, notes past the
{hours}-hour rule, the age of the oldest note, and the note to write first.""",
    "backlog": """\
## Backlog

Every open note, most urgent first (see *Triage* below), with its age and whether it is past the
{hours}-hour rule. Mark a note written when it is done; one finished late comes with a late-entry
line to paste into the record. Notes waiting on someone else are listed apart.""",
    "sprint": """\
## Sprint

Turns the backlog into a plan: catch-up blocks on your chosen days, how many notes fit in each
(grouped by note type, so you stay in one frame of mind), and the day you would be caught up.""",
    "selfcheck": """\
## Self-check

A short set of questions that helps tell a documentation overload (a workflow problem with
workflow fixes) from broader signs of burnout (a wellbeing matter that deserves support). It is
not a diagnosis. If you answer a safety statement above "not at all", crisis contacts for your
country come first.""",
    "trends": """\
## Trends

Week by week: is the backlog shrinking, are more notes written the same day, how much charting
spills into evenings, and does dread ease as the notes get done?""",
    "settings": """\
## Settings

Your threshold, the rule's hours, working days, catch-up blocks, crisis-contact country and
notifications. Every change is saved at once.""",
}

KEYS = """\
## Keys

| Key | What it does |
| --- | --- |
| {places} | open a screen |
| Escape | leave a text field (then the letter keys work), close a dialog, or go back |
| Tab, shift+Tab | move between fields and buttons |
| ? or F1 | this help |
| ctrl+p | the command palette: every screen and action by name |
| ctrl+t | switch between light and dark |
| q, or ctrl+q anywhere | quit |

While the cursor is in a text field, letters are text: use the F-keys shown in the footer, or
Escape first."""

RULES = """\
## The rules, in plain words

**The {hours}-hour rule.** A note is due {due} after its session starts (a session with
no time is due by the end of the next day). Write it by then and the session is still fresh.

**The {threshold}-note threshold.** When {threshold} or more notes are open (not counting those
waiting on someone else), it is time to catch up now rather than tomorrow. At {watch} the status
says *watch*. {threshold} notes take about {minutes} minutes: a short block clears them.

**Backlog age.** From the oldest open note: *under 1 week*, adjust the workflow now (same-day
notes); *1 to 3 weeks*, one catch-up sprint and then a new routine; *over 3 weeks*, good-enough
notes first, then look at caseload and systems. A backlog is fixable, whatever its size.

**Triage.** Catch up in this order: P1 court-involved or legally sensitive; P2 billed sessions
whose note is still missing; P3 high-risk clients; P4 routine; P5 admin. Within a tier, notes
nearest a payer's deadline come first, then the most recent (best remembered).

**Late entries.** A note written more than {late} hours after the session is labelled a late
entry, dated when written, naming the session date, with a reason (and, for a high-risk session,
whether it was reconstructed from memory); the notation is kept with the note. Never backdate.

**Waiting on others.** A note blocked on a result, a referral or a documentation gap is listed
apart; after {escalation} days caughtup suggests chasing it. A coding query is yours to answer,
so a note blocked on one still counts as outstanding.

caughtup is a self-help tool, not a medical device; it stores no note text."""


def help_markdown(mode: str, screen: Screen[Any] | None, settings: Settings, places: str) -> str:
    """The whole help text for a screen, with the user's own numbers in the rules."""
    own = getattr(screen, "HELP", None) if screen is not None else None
    rules = settings.rules
    section = (
        (own or SCREEN_HELP.get(mode, ""))
        .replace("{hours}", str(rules.rule_hours))
        .replace("{within}", words.within_rule(rules))
    )
    rules_text = RULES.format(
        hours=rules.rule_hours,
        due=words.plural(rules.rule_hours, "hour"),
        threshold=rules.threshold,
        watch=max(1, rules.threshold - 2),
        minutes=rules.threshold * settings.sprint.minutes_per_type.get("progress", 9),
        late=rules.late_entry_hours,
        escalation=rules.escalation_days,
    )
    return "\n\n".join(part for part in (section, KEYS.format(places=places), rules_text) if part)


class HelpScreen(ModalScreen[None]):
    """Help over the current screen; Escape, `?` or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 100%; max-width: 96; height: 100%; max-height: 40;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen VerticalScroll { height: 1fr; }
    HelpScreen .hint { color: $text-muted; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1", "close", "Close help"),
    ]

    def __init__(self, mode: str, screen: Screen[Any] | None = None) -> None:
        super().__init__()
        self.mode = mode
        self.under = screen

    def compose(self) -> ComposeResult:
        places = ", ".join(f"{key_words(p)} {p.label}" for p in PLACES)
        settings = workspace(self).settings
        with Vertical() as box:
            box.border_title = "Help"
            with VerticalScroll():
                yield Markdown(help_markdown(self.mode, self.under, settings, places))
            yield Static("↑↓ PgUp PgDn scroll · Escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()
