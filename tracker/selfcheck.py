"""The self-check: answers become domain scores, a profile, a safety flag and suggestions.

Pure functions over plain data (no database, no pydantic: `tracker.questionnaire` validates
files and hands over the dataclasses below). Results are self-reported signs, never a
diagnosis: burnout is an occupational phenomenon in ICD-11 (QD85), not a medical condition.

Scoring rule
------------
1. Every item needs an answer: a whole number on its scale, `min` to `max`. A missing, unknown
   or out-of-range answer is an `InputError` naming the item.
2. A reverse-keyed item (its agreeing end is the good end, "I felt on top of my paperwork") is
   flipped first: `value' = min + max - value`.
3. Each item then weighs `(value' - min) / (max - min)`, from 0 to 1. A domain's score is the
   mean weight of its items times 100, rounded half up to a whole number (0 to 100). On the
   built-in 0-4 scale, 50 means "some days" on average.
4. A domain is raised when its score is at least the questionnaire's `threshold` (default 50).
   `profile`: overload and burnout both raised -> `both`; only overload ->
   `documentation_overload`; only burnout -> `broader_burnout`; otherwise `neither`. A domain
   the questionnaire does not ask about is never raised. Safety and context never change the
   profile.
5. `safety_flag` is set when any safety item is answered above the lowest value of its scale
   (safety items are never reverse-keyed). Crisis resources then come before any score, the
   headline names what was answered, the suggestions start with talking to someone today and
   contacting one's own therapist, doctor or employee-assistance programme this week, and the
   next self-check is due in 7 days instead of 28. Nothing then says "in four weeks", whatever
   the profile.
6. An item may carry `alert_at`: an answer at or above it is a sign that stands out (`signs`),
   and brings the support suggestions with it whatever the domain means are, so one strong
   warning sign is never averaged away.
7. The tracker's own data (`tracker.selfcheck_context`: backlog tier, after-hours minutes per
   calendar week, and whether dread stayed high in weeks when the backlog was under the
   threshold) never changes the profile either; it adds plain-word context and suggestions: a
   dread that stays high while the backlog is small points beyond the notes, so support
   suggestions join an overload profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from tracker import rules
from tracker.errors import InputError
from tracker.selfcheck_context import Context
from tracker.words import join

DOMAINS = ("overload", "burnout", "safety", "context")
PROFILES = ("documentation_overload", "broader_burnout", "both", "neither")
DEFAULT_THRESHOLD = 50
DUE_EVERY_DAYS = 28
DUE_AFTER_SAFETY_DAYS = 7
AFTER_HOURS_NOTABLE = 120  # minutes a week worth a suggestion of their own

PROFILE_LABELS = {
    "documentation_overload": "documentation overload",
    "broader_burnout": "broader burnout signs",
    "both": "documentation overload and broader burnout signs",
    "neither": "no marked strain around documentation or beyond it",
}
PROFILE_WORDS = {
    "documentation_overload": (
        "Your answers cluster around documentation: the strain is mostly about notes, "
        "deadlines and charting time. That is a workflow problem, and workflows can change."
    ),
    "broader_burnout": (
        "Your answers show signs of strain that reach beyond the paperwork: tiredness, distance "
        "or doubt that stays even when the notes are done. These signs are common in helping "
        "work, and they deserve support."
    ),
    "both": (
        "Your answers show both: strain around documentation, and signs that reach beyond it. "
        "Changing the workflow will help with the first; support for you helps with the second."
    ),
    "neither": (
        "Your answers do not point to marked strain around documentation or beyond it right "
        "now. Worth checking again in four weeks."
    ),
}
# A private print says nothing about when the next self-check is due: that would tell a
# flagged one (7 days) from another (four weeks).
NEITHER_UNTIMED = (
    "Your answers do not point to marked strain around documentation or beyond it right now."
)
# The built-in safety items as a headline names them; another questionnaire's are quoted.
SAFETY_TOPICS = {
    "end_life_thoughts": "thoughts of ending your life",
    "self_harm_thoughts": "thoughts of harming yourself",
    "better_off_without_me": (
        "the thought that the people you work with or for would be better off without you"
    ),
}
NEITHER_WITH_SAFETY = (
    "Apart from the safety answers, your answers do not point to marked strain around "
    "documentation or beyond it. What you said about your safety matters more than any score."
)
NEITHER_WITH_SIGNS = (
    "Your answers do not add up to marked strain overall, but some single signs stand out "
    "(below). One strong sign deserves attention on its own, whatever the averages say."
)
NOT_A_DIAGNOSIS = (
    "This is a self-report of signs over the last two weeks, not a diagnosis. Burnout is an "
    "occupational phenomenon (ICD-11 QD85), not a medical condition."
)

SAFETY_WORDS = (
    "You deserve support with that now, not later. The lines below are free and confidential; "
    "please talk to someone today, and this week contact your own therapist, your doctor or an "
    "employee-assistance programme."
)
SAFETY_STEPS = [
    "Talk to someone today: call one of the lines shown first, or tell someone you trust how "
    "you have been feeling.",
    "This week, contact your own therapist, your doctor or your employee-assistance programme "
    "(EAP), and tell them what you answered here.",
]

OVERLOAD_STEPS = [
    "Write each note the same day: a short block after your last session costs far less than "
    "rebuilding a week-old session from memory.",
    "Trim notes to what the record needs; a short template brings most progress notes to a "
    "few minutes.",
    "Plan a catch-up sprint for the backlog: dedicated blocks with a realistic note count "
    "(caughtup plan, or the Sprint screen).",
]
SUPPORT_STEPS = [
    "Talk it through with a peer you trust, or in peer consultation: these signs are common in "
    "helping work and lighter when shared.",
    "Bring it to supervision; this summary can be a place to start.",
    "Consider your own therapy: support for the helper is part of the work, not a failing.",
    "See your primary care clinician about tiredness, sleep, appetite or mood, so your health "
    "is looked at as a whole.",
]
TIMING_STEP = "Check in again in four weeks; caughtup will remind you."
NEITHER_STEPS = [
    "Keep the habits that are working, such as writing notes the same day.",
    TIMING_STEP,
]


@dataclass(frozen=True)
class Scale:
    """A response scale: whole numbers from `min` to `max`, one label per value."""

    min: int
    max: int
    labels: tuple[str, ...] = ()

    def label(self, value: int) -> str:
        if self.labels and self.min <= value <= self.max:
            return self.labels[value - self.min]
        return str(value)


@dataclass(frozen=True)
class Question:
    id: str
    domain: str
    text: str
    scale: Scale
    reverse: bool = False
    alert_at: int | None = None
    """An answer at or above this is a sign that stands out on its own."""


@dataclass(frozen=True)
class Questionnaire:
    name: str
    title: str
    items: tuple[Question, ...]
    recall: str = ""
    intro: str = ""
    threshold: int = DEFAULT_THRESHOLD
    source: str = ""

    def item(self, item_id: str) -> Question:
        for question in self.items:
            if question.id == item_id:
                return question
        raise KeyError(item_id)

    def domains(self) -> list[str]:
        present = {q.domain for q in self.items}
        return [d for d in DOMAINS if d in present]


@dataclass(frozen=True)
class Score:
    scores: dict[str, int]
    profile: str
    safety_flag: bool
    signs: tuple[str, ...] = ()
    """Item ids answered at or above their `alert_at`."""


@dataclass
class Result:
    """One scored self-check, as kept in the store and printed."""

    taken_on: date
    questionnaire: str
    answers: dict[str, int]
    scores: dict[str, int]
    profile: str
    safety_flag: bool
    suggestions: list[str]
    context: Context | None = None
    id: int | None = None
    signs: list[str] = field(default_factory=list)
    """Item ids that stand out on their own (at or above their `alert_at`)."""
    safety_topics: list[str] = field(default_factory=list)
    """What the flagged safety answers were about, in the words of a headline."""
    next_due: date | None = None
    """When the next self-check is due: 7 days after a flagged safety answer, else 28."""


# -- scoring ----------------------------------------------------------------------------------


def check_answers(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int]:
    """The answers as whole numbers, or InputError naming the first bad or missing item."""
    known = {item.id for item in q.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InputError(
            f"answer for unknown item {unknown[0]!r}; `caughtup selfcheck --items` lists the ids"
        )
    clean = {}
    for item in q.items:
        if item.id not in answers or answers[item.id] is None:
            raise InputError(
                f"missing answer for {item.id!r}; give a whole number from "
                f"{item.scale.min} to {item.scale.max}"
            )
        value = answers[item.id]
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(
                f"answer for {item.id!r} must be a whole number from {item.scale.min} to "
                f"{item.scale.max}, got {value!r}"
            )
        if not item.scale.min <= value <= item.scale.max:
            raise InputError(
                f"answer for {item.id!r} must be {item.scale.min} to {item.scale.max}, got {value}"
            )
        clean[item.id] = value
    return clean


def weight(item: Question, value: int) -> Fraction:
    """0 (lowest strain) to 1 (highest), after reverse keying; exact, so 50 is never 49.999."""
    lo, hi = item.scale.min, item.scale.max
    keyed = lo + hi - value if item.reverse else value
    return Fraction(keyed - lo, hi - lo)


def score(q: Questionnaire, answers: Mapping[str, Any]) -> Score:
    """Domain scores, profile and safety flag (the rule is in the module docstring)."""
    clean = check_answers(q, answers)
    scores = {}
    for domain in q.domains():
        weights = [weight(item, clean[item.id]) for item in q.items if item.domain == domain]
        scores[domain] = int(100 * sum(weights, Fraction(0)) / len(weights) + Fraction(1, 2))
    raised = {d for d in ("overload", "burnout") if scores.get(d, 0) >= q.threshold}
    if raised == {"overload", "burnout"}:
        profile = "both"
    elif raised == {"overload"}:
        profile = "documentation_overload"
    elif raised == {"burnout"}:
        profile = "broader_burnout"
    else:
        profile = "neither"
    safety_flag = any(
        clean[item.id] > item.scale.min for item in q.items if item.domain == "safety"
    )
    signs = tuple(
        item.id for item in q.items if item.alert_at is not None and clean[item.id] >= item.alert_at
    )
    return Score(scores, profile, safety_flag, signs)


def safety_topics(q: Questionnaire, answers: Mapping[str, int]) -> list[str]:
    """What each flagged safety answer was about ('thoughts of ending your life')."""
    return [
        SAFETY_TOPICS.get(item.id, f"\u201c{item.text}\u201d")
        for item in q.items
        if item.domain == "safety" and answers[item.id] > item.scale.min
    ]


def safety_headline(topics: list[str]) -> str:
    """'You said that in the last two weeks you had thoughts of ending your life.'"""
    known = [t for t in topics if not t.startswith("\u201c")]
    if len(known) == len(topics):
        return f"You said that in the last two weeks you had {join(topics)}."
    return f"You answered these above \u201cnot at all\u201d: {join(topics)}."


# -- suggestions ------------------------------------------------------------------------------


def suggestions(s: Score, ctx: Context | None = None) -> list[str]:
    """Support that fits: a safety answer first, then workflow steps, support for the person."""
    out: list[str] = []
    if s.safety_flag:
        out += SAFETY_STEPS
    overload = s.profile in ("documentation_overload", "both")
    burnout = s.profile in ("broader_burnout", "both")
    if overload:
        nothing_open = ctx is not None and ctx.outstanding == 0
        # A sprint is for a backlog: none to plan when nothing is outstanding.
        out += [step for step in OVERLOAD_STEPS if not (nothing_open and "sprint" in step)]
        if ctx is not None and ctx.tier is not None:
            out.append(
                f"Your oldest open note is {rules.TIER_LABELS[ctx.tier]} old "
                f"({rules.TIER_GOALS[ctx.tier]})."
            )
    if ctx is not None and (ctx.after_hours_per_week or 0) >= AFTER_HOURS_NOTABLE:
        out.append(
            f"Your check-ins show {ctx.after_hours_per_week} minutes a week of charting "
            "after hours; a protected documentation block inside the working day gives those "
            "evenings back."
        )
    beyond_notes = ctx is not None and ctx.dread_high_when_backlog_low is True
    if burnout or s.signs:
        if s.signs and not burnout:
            out.append(
                "A single strong sign deserves attention on its own, even when the averages "
                "look mild."
            )
        out += SUPPORT_STEPS
    elif beyond_notes:
        out.append(
            "Your check-ins show dread staying high even in weeks with a small backlog, which "
            "can mean it is not only the notes."
        )
        out += SUPPORT_STEPS[:2]
    if s.scores.get("context", 0) >= DEFAULT_THRESHOLD and not burnout:
        out.append(
            "Things around the work sound heavy too; a regular place to talk, such as peer "
            "consultation or supervision, can help carry them."
        )
    if not (overload or burnout or s.signs or beyond_notes or s.safety_flag):
        out += NEITHER_STEPS
    return out


def profile_label(profile: str, signs: Sequence[str]) -> str:
    """The profile in words; a strong sign is named even when the averages are low."""
    if profile == "neither" and signs:
        return "no overall pattern, but single signs stand out"
    return PROFILE_LABELS[profile]


def profile_words(
    profile: str, safety_flag: bool, signs: Sequence[str], *, timed: bool = True
) -> str:
    """The profile explained; never 'check again in four weeks' beside a safety answer.

    `timed=False` (a private print) leaves out when to check again, flagged or not."""
    if profile == "neither" and safety_flag:
        return NEITHER_WITH_SAFETY
    if profile == "neither" and signs:
        return NEITHER_WITH_SIGNS
    if profile == "neither" and not timed:
        return NEITHER_UNTIMED
    return PROFILE_WORDS[profile]


def evaluate(
    q: Questionnaire, answers: Mapping[str, Any], today: date, ctx: Context | None = None
) -> Result:
    """Score the answers and attach context and suggestions."""
    s = score(q, answers)
    clean = check_answers(q, answers)
    return Result(
        taken_on=today,
        questionnaire=q.name,
        answers=clean,
        scores=s.scores,
        profile=s.profile,
        safety_flag=s.safety_flag,
        suggestions=suggestions(s, ctx),
        context=ctx,
        signs=list(s.signs),
        safety_topics=safety_topics(q, clean) if s.safety_flag else [],
        next_due=next_due(today, s.safety_flag),
    )


def next_due(last: date, safety_flag: bool = False) -> date:
    """The next self-check: 7 days after one with a flagged safety answer, else four weeks."""
    return last + timedelta(days=DUE_AFTER_SAFETY_DAYS if safety_flag else DUE_EVERY_DAYS)


def is_due(last: date | None, today: date, safety_flag: bool = False) -> bool:
    """A self-check is due before the first one, then as `next_due` says."""
    return last is None or today >= next_due(last, safety_flag)


def sign_texts(q: Questionnaire, signs: Sequence[str]) -> list[str]:
    """The statements behind the signs that stand out."""
    return [q.item(sign).text for sign in signs]


def bar(score: int, width: int = 10) -> str:
    """A gauge that reads without colour."""
    filled = min(width, round(width * score / 100))
    return "#" * filled + "." * (width - filled)
