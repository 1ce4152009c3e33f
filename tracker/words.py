"""The words people read: plurals, articles, numbers rounded for people, days and durations,
note types counted, the rules' names, and a plan's premise.

One place for them, so a rule's name always comes from the settings ("the 48-hour rule" when
`rules.rule_hours` is 48) and "a 86-minute" cannot happen. Plain functions over plain values:
light enough for the `status` path (no imports beyond the standard library's `typing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date, datetime

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# Words that start with a vowel letter but a consonant sound ("a one-off", "a useful"), and the
# reverse ("an hour"): enough for the phrases caughtup builds.
_CONSONANT_SOUND = ("one", "once", "use", "usu", "uni", "eu", "ewe")
_VOWEL_SOUND = ("hour", "honest", "honour", "heir")


class RuleHours(Protocol):
    """Anything with the rule's hours (`tracker.settings.Rules`)."""

    @property
    def rule_hours(self) -> int: ...


class _Inflow(Protocol):
    @property
    def inflow(self) -> float: ...


class PlanFacts(Protocol):
    """What a plan's premise is said from (`tracker.planner.Plan`)."""

    @property
    def params(self) -> _Inflow: ...
    @property
    def measured_inflow(self) -> float | None: ...
    @property
    def finish_at_measured(self) -> date | None: ...


def agree(count: float, one: str, many: str) -> str:
    """The form that agrees with `count`: 'is' or 'are', 'has' or 'have', 'it' or 'them'."""
    return one if count == 1 else many


def noun(count: float, word: str, many: str | None = None) -> str:
    """'note' or 'notes', as `count` of them are called; `many` for an irregular plural."""
    return agree(count, word, many or word + "s")


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 note', '3 notes', '12,995 notes'; `many` for an irregular plural ('1 query', '2
    queries')."""
    return f"{count:,} {noun(count, word, many)}"


def number_word(n: int) -> str:
    """'no', 'one' ... 'ten', then digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def _starts_with_vowel_sound(phrase: str) -> bool:
    head = phrase.lstrip().lower()
    if not head:
        return False
    if head[0].isdigit():
        digits = ""
        for ch in head:
            if ch.isdigit():
                digits += ch
            elif ch not in ",_":
                break
        # Said aloud: eight, eighty..., eight hundred...; and eleven, eighteen (or eleven
        # thousand, eighteen million: the leading group has two digits).
        return digits[0] == "8" or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    if head.startswith(_VOWEL_SOUND):
        return True
    if head.startswith(_CONSONANT_SOUND):
        return False
    return head[0] in "aeiou"


def article(phrase: str) -> str:
    """'a' or 'an' for `phrase`, by how it sounds: 'an 86-minute', 'a 27-minute', 'an 11-note'."""
    return "an" if _starts_with_vowel_sound(phrase) else "a"


def with_article(phrase: str) -> str:
    """`phrase` after its article: 'an 86-minute catch-up'."""
    return f"{article(phrase)} {phrase}"


def for_people(value: float) -> str:
    """A measured number as a person would say it: 11.25 -> '11', 3.5 -> '3.5', 0.25 -> '0.3'.

    Whole numbers from 10 up; below that one decimal, dropped when it is zero.
    """
    if abs(value) >= 10 or abs(value - round(value)) < 0.05:
        return str(round(value))
    return f"{value:.1f}"


def about(value: float) -> str:
    """'about 11' for a measured 11.25; just '3' for an exact 3."""
    text = for_people(value)
    return text if float(text) == value else f"about {text}"


def hours_rule(rules: RuleHours) -> str:
    """'the 24-hour rule', from the settings."""
    return f"the {rules.rule_hours}-hour rule"


def within_rule(rules: RuleHours) -> str:
    """'within 24 hours', from the settings."""
    return f"within {plural(rules.rule_hours, 'hour')}"


def rule_short(rules: RuleHours) -> str:
    """'24h', for a one-line status."""
    return f"{rules.rule_hours}h"


def against_threshold(outstanding: int, threshold: int) -> str:
    """'21 outstanding, threshold 5'."""
    return f"{outstanding} outstanding, threshold {threshold}"


def days(value: float) -> str:
    """'1 day', '2.5 days': a measured duration."""
    return f"{value:g} {noun(value, 'day')}"


def day(d: date, *, year: bool = True) -> str:
    """'Tue 24 Nov 2026' ('Tue 24 Nov' without the year)."""
    return f"{d:%a %d %b %Y}" if year else f"{d:%a %d %b}"


def moment(at: datetime, *, year: bool = False) -> str:
    """'Tue 24 Nov 16:05' ('Tue 24 Nov 2026 16:05' with the year): a day and a clock time."""
    return f"{day(at.date(), year=year)} {at:%H:%M}"


# Note types as a person names them, one and many; a user's own type reads as '<type> note(s)'.
TYPE_NOUNS = {
    "progress": ("progress note", "progress notes"),
    "intake": ("intake", "intakes"),
    "treatment_plan": ("treatment plan", "treatment plans"),
    "case_note": ("case note", "case notes"),
    "court_report": ("court report", "court reports"),
    "group": ("group note", "group notes"),
    "admin": ("admin note", "admin notes"),
}


def type_noun(note_type: str, count: int = 1) -> str:
    """'progress note', 'treatment plans', 'letter notes': a note type, as `count` are called."""
    one = f"{note_type.replace('_', ' ')} note"
    return agree(count, *TYPE_NOUNS.get(note_type, (one, one + "s")))


def type_count(note_type: str, count: int) -> str:
    """'1 progress note', '3 treatment plans'."""
    return f"{count} {type_noun(note_type, count)}"


def days_old(days: int) -> str:
    """'from today', '1 day', '9 days'."""
    return "from today" if days <= 0 else plural(days, "day")


def join(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) < 3:
        return " and ".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def premise(plan: PlanFacts, inflow_source: str, rules: RuleHours) -> tuple[str, str | None]:
    """(a plan's premise, what the measured inflow would do), in words from the settings, for
    `caughtup plan` and the Sprint screen alike."""
    if inflow_source == "default":
        said = f"new notes are written {within_rule(rules)} from now on"
    else:
        said = f"{about(plan.params.inflow)} new notes a week join the backlog"
    measured, at_measured = plan.measured_inflow, plan.finish_at_measured
    if measured is None:
        return said, None
    then = f"you would finish {day(at_measured)}" if at_measured else "it would never finish"
    return said, (
        f"over the last 4 weeks {about(measured)} notes a week slipped past "
        f"{plural(rules.rule_hours, 'hour')}; at that rate {then}"
    )


def item_name(item_id: int | None, client_ref: str | None) -> str:
    """An item as the user's own terminal names it: `#12 (C7)`, so they know which chart it is.

    Only for the user's screen: notifications, summaries and PDFs never name a client."""
    return f"#{item_id} ({client_ref})" if client_ref else f"#{item_id}"
