"""The printable one-page self-check summary, as PDF (fpdf2) and as Markdown.

Both are rendered from one `Summary`, so they always say the same things in the same order:
crisis resources first when a safety item was answered above its lowest value (with a headline
naming what was answered), then the profile, scores, the signs that stand out, tracker context,
suggestions, the answers and the trend of earlier self-checks; and at the very end, always, the
quiet crisis line. A private summary (`private=True`) leaves out the safety answers and the flag
and everything that follows from them, so it reads the same whatever they were. Nothing here
reads items, so no client reference can reach a printout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from tracker import words
from tracker.crisis import Resources
from tracker.files import write_output
from tracker.pdf import heading as page_heading
from tracker.pdf import new_pdf, one_page
from tracker.pdf import plain as _plain
from tracker.pdf import text as page_text
from tracker.selfcheck import (
    NOT_A_DIAGNOSIS,
    PROFILE_LABELS,
    SAFETY_WORDS,
    TIMING_STEP,
    Questionnaire,
    Result,
    Score,
    profile_label,
    profile_words,
    safety_headline,
    sign_texts,
    suggestions,
)
from tracker.selfcheck_context import context_lines

DOMAIN_LABELS = {
    "overload": "Documentation overload",
    "burnout": "Broader burnout signs",
    "safety": "Safety",
    "context": "Context around the work",
}
TREND_ROWS = 6
PRIVATE_NOTE = "Printed privately: answers about safety are not included."


@dataclass
class Summary:
    """Everything a printout says, already in words."""

    title: str
    date_text: str
    safety_flag: bool
    """False in a private summary, whatever the answers were."""
    safety_headline: str
    safety_words: str
    crisis: list[str]
    quiet_line: str
    profile: str
    profile_label: str
    profile_words: str
    scores: list[tuple[str, int]]
    context: list[str]
    suggestions: list[str]
    answers: list[tuple[str, str]]
    trend: list[str]
    disclaimer: str
    signs: list[str] = field(default_factory=list)
    """The statements answered at or above their `alert_at`."""
    next_due: str = ""
    """When the next self-check is due, in words (empty in a private summary)."""
    private: bool = False


def build(
    result: Result,
    q: Questionnaire,
    crisis: Resources,
    history: list[dict[str, Any]],
    *,
    private: bool = False,
) -> Summary:
    """The summary of `result`; `history` holds earlier kept self-checks, newest first.

    `private`: the safety answers, the flag, and what only a flag brings (its headline, its
    suggestions, the earlier due date) are left out; the summary then reads as if unflagged.
    """
    flagged = result.safety_flag and not private
    shown = [item for item in q.items if not (private and item.domain == "safety")]
    answers = [
        (item.text, f"{item.scale.label(result.answers[item.id])} ({result.answers[item.id]})")
        for item in shown
    ]
    earlier = [h for h in history if h.get("id") != result.id][:TREND_ROWS]
    trend = [
        f"{h['taken_on']:%d %b %Y}: {PROFILE_LABELS.get(h['profile'], h['profile'])}; "
        + ", ".join(f"{d} {h['scores'][d]}" for d in ("overload", "burnout") if d in h["scores"])
        for h in earlier
    ]
    tips = list(result.suggestions)
    if private:  # as an unflagged result would read, and silent on when to check again
        unflagged = Score(result.scores, result.profile, False, tuple(result.signs))
        tips = [t for t in suggestions(unflagged, result.context) if t != TIMING_STEP]
    next_due = ""
    if result.next_due is not None and not private:
        days = (result.next_due - result.taken_on).days
        next_due = f"Next self-check: in {days} days, on {words.day(result.next_due)}."
    return Summary(
        title=q.title,
        date_text=f"{result.taken_on:%d %B %Y}",
        safety_flag=flagged,
        safety_headline=safety_headline(result.safety_topics) if flagged else "",
        safety_words=SAFETY_WORDS,
        crisis=crisis.lines_text(),
        quiet_line=crisis.quiet_line(),
        profile=result.profile,
        profile_label=profile_label(result.profile, result.signs),
        profile_words=profile_words(result.profile, flagged, result.signs, timed=not private),
        # The safety answer is acknowledged by the crisis block, never shown as a number.
        scores=[(DOMAIN_LABELS.get(d, d), v) for d, v in result.scores.items() if d != "safety"],
        context=context_lines(result.context) if result.context else [],
        suggestions=tips,
        answers=answers,
        trend=trend or ["This is the first self-check kept."],
        disclaimer=NOT_A_DIAGNOSIS,
        signs=sign_texts(q, result.signs),
        next_due=next_due,
        private=private,
    )


def markdown(s: Summary) -> str:
    out = [f"# {s.title}, {s.date_text}", ""]
    if s.safety_flag:
        out += ["## Support, first", "", f"**{s.safety_headline}** {s.safety_words}", ""]
        out += [f"- **{line}**" for line in s.crisis] + [""]
    out += [
        f"## Profile: {s.profile_label}",
        "",
        f"`{s.profile}`: {s.profile_words}",
        "",
        "| Domain | Score (0-100) |",
        "| --- | ---: |",
    ]
    out += [f"| {label} | {value} |" for label, value in s.scores] + [""]
    if s.signs:
        out += ["## Signs that stand out", ""] + [f"- {line}" for line in s.signs] + [""]
    if s.context:
        out += ["## From your tracker", ""] + [f"- {line}" for line in s.context] + [""]
    out += ["## Suggestions", ""] + [f"- {line}" for line in s.suggestions] + [""]
    if s.next_due:
        out += [s.next_due, ""]
    out += ["## Your answers (last 2 weeks)", "", "| Statement | Answer |", "| --- | --- |"]
    out += [f"| {text.replace('|', '/')} | {answer} |" for text, answer in s.answers] + [""]
    if s.private:
        out += [f"*{PRIVATE_NOTE}*", ""]
    out += ["## Earlier self-checks", ""] + [f"- {line}" for line in s.trend] + [""]
    out += [f"*{s.disclaimer}*", ""]
    out += [s.quiet_line, ""]  # always, flagged or not, private or not: it reveals nothing
    return "\n".join(out)


def pdf_bytes(s: Summary, created: datetime | None = None, paper: str = "A4") -> bytes:
    """A one-page PDF on `paper`; the type shrinks a step at a time until everything fits."""
    return one_page(lambda scale: _render(s, scale, created, paper))


def _render(s: Summary, k: float, created: datetime | None, paper: str) -> tuple[bytes, int]:
    from fpdf.enums import XPos, YPos

    pdf = new_pdf(f"{s.title}, {s.date_text}", created, paper)
    width = pdf.epw

    text, heading = partial(page_text, pdf, k), partial(page_heading, pdf, k)

    def bullets(lines: list[str], size: float = 9) -> None:
        pdf.set_font("Helvetica", "", size * k)
        for line in lines:
            pdf.cell(4, size * k * 0.3528 * 1.45, "-")
            pdf.multi_cell(
                width - 4,
                size * k * 0.3528 * 1.45,
                _plain(line),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    text(16, f"{s.title}, {s.date_text}", "B")
    pdf.set_text_color(90, 90, 90)
    text(8.5, "A private summary to keep, or to take to supervision.")
    pdf.set_text_color(0, 0, 0)
    if s.safety_flag:
        pdf.ln(2 * k)
        pdf.set_fill_color(255, 240, 214)
        pdf.set_draw_color(170, 90, 0)
        body = "\n".join([s.safety_headline, s.safety_words, "", *s.crisis])
        pdf.set_font("Helvetica", "B", 13 * k)
        pdf.multi_cell(
            width,
            13 * k * 0.3528 * 1.5,
            "Support, first",
            border="LTR",
            fill=True,
            padding=(2, 3, 0, 3),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_font("Helvetica", "B", 10 * k)
        pdf.multi_cell(
            width,
            10 * k * 0.3528 * 1.45,
            _plain(body),
            border="LBR",
            fill=True,
            padding=(1, 3, 2, 3),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    heading(f"Profile: {s.profile_label}")
    text(9.5, s.profile_words)
    pdf.ln(1.2 * k)
    for label, value in s.scores:
        pdf.set_font("Helvetica", "", 9.5 * k)
        pdf.cell(62, 9.5 * k * 0.3528 * 1.5, _plain(label))
        pdf.set_font("Helvetica", "B", 9.5 * k)
        pdf.cell(18, 9.5 * k * 0.3528 * 1.5, f"{value}/100", align="R")
        x, y = pdf.get_x() + 4, pdf.get_y() + 1.0 * k
        bar_h = 9.5 * k * 0.3528 * 1.5 - 2 * k
        pdf.set_draw_color(120, 120, 120)
        pdf.set_fill_color(225, 225, 225)
        pdf.rect(x, y, 60, bar_h, style="DF")
        pdf.set_fill_color(70, 70, 70)
        if value:
            pdf.rect(x, y, 60 * value / 100, bar_h, style="F")
        pdf.ln(9.5 * k * 0.3528 * 1.5)
    if s.signs:
        heading("Signs that stand out")
        bullets(s.signs)
    if s.context:
        heading("From your tracker")
        bullets(s.context)
    heading("Suggestions")
    bullets(s.suggestions)
    if s.next_due:
        text(9, s.next_due, "B")
    heading("Your answers (last 2 weeks)")
    line_h = 8.3 * k * 0.3528 * 1.4
    for statement, answer in s.answers:
        top = pdf.get_y()
        pdf.set_font("Helvetica", "", 8.3 * k)
        pdf.multi_cell(width - 42, line_h, _plain(statement), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = pdf.get_y()
        pdf.set_xy(pdf.l_margin + width - 42, top)
        pdf.set_font("Helvetica", "B", 8.3 * k)
        pdf.multi_cell(42, line_h, _plain(answer), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), bottom))
    if s.private:
        text(8.3, PRIVATE_NOTE, "I")
    heading("Earlier self-checks")
    bullets(s.trend, 8.5)
    pdf.ln(2.5 * k)
    pdf.set_text_color(70, 70, 70)
    text(8.5, s.disclaimer, "I")
    text(8.5, s.quiet_line, "I")
    return bytes(pdf.output()), pdf.pages_count


def write_pdf(
    path: Path, s: Summary, home: Path, created: datetime | None = None, paper: str = "A4"
) -> Path:
    """Print the summary to `path` on `paper` (see `page_format`), owner-only (`home`: the data
    folder, see `files`)."""
    return write_output(path, pdf_bytes(s, created, paper), home)


def write_markdown(path: Path, s: Summary, home: Path) -> Path:
    return write_output(path, markdown(s).encode("utf-8"), home)
