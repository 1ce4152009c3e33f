"""The workload summary to share (`caughtup summary`, the Trends screen's Summary action): one
page of counts and rates, for the terminal, as Markdown and as a PDF with two small charts.

All three are rendered from one `Page`, built from a `workload.Workload` alone: it holds no
client reference and no self-check answer (the store's `workload_items` never even reads a
reference), so none can reach a printout. The words speak of the workload, never of the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import words
from tracker.clock import from_utc_text, to_utc_text, utc_offsets
from tracker.errors import InputError
from tracker.files import write_output
from tracker.pdf import heading as page_heading
from tracker.pdf import new_pdf, one_page, plain
from tracker.pdf import text as page_text
from tracker.settings import Settings
from tracker.trends import week_starts
from tracker.waiting import OWN_REASONS, REASON_WORDS
from tracker.workload import Workload, check_weeks, workload

if TYPE_CHECKING:
    from fpdf import FPDF

    from tracker.store import Store

NOT_ENOUGH = "not enough data yet"
TITLE = "Workload summary"
PRIVACY_LINE = (
    "Counts and rates only: no client reference and no self-check answer is in this summary."
)
CHARTS = (
    "Outstanding notes at each week's end, against the threshold",
    "After-hours charting, minutes per 8 scheduled hours",
)
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass
class Page:
    """Everything the summary says, already in words (and the two charts' numbers)."""

    title: str
    span: str
    paragraph: str
    figures: list[tuple[str, str]]
    by_type: list[tuple[str, str, str, str, str]]
    """Note type, notes, within the rule, median hours to written, minutes per note."""
    waiting: list[tuple[str, str, str, str]]
    """Who acts, open notes, median age, past the chase age."""
    outstanding: list[tuple[date, int | None]]
    threshold: int
    after_hours: list[tuple[date, float | None]]
    rule_hours: int


def gather(
    store: Store, settings: Settings, now: datetime, weeks: int
) -> tuple[Workload, date | None]:
    """The workload over the last `weeks` weeks, and the catch-up plan's finish date (None when
    it never finishes or no plan can be made), from the store."""
    check_weeks(weeks)
    tz, today = now.tzinfo or store.tz, now.date()
    start = week_starts(today, weeks, settings.first_weekday)[0]
    midnight = datetime.combine(start, time(0), tz)
    since = to_utc_text(midnight)
    # Most notes are counted in SQL (`store.settled`), on the wall clock of every written one.
    written = store.written_span(start, weeks)
    opens = min(midnight, from_utc_text(written[0], tz)) if written else midnight
    closes = max(now, from_utc_text(written[1], tz)) if written else now
    offsets = utc_offsets(tz, opens - timedelta(days=1), closes + timedelta(days=1))
    # Wall clock and real time disagree by the offsets' spread at most, for the due time and
    # for the written moment: a note written nearer its due time than twice that (and a
    # minute) is a close call, decided on the real clock.
    spread = max(o for _, o in offsets) - min(o for _, o in offsets)
    settled = store.settled(
        start,
        weeks,
        today,
        since,
        to_utc_text(now),
        offsets,
        settings.rules.rule_hours * 3600,
        2 * spread + 60,
    )
    blocks = store.finished_blocks(since)
    w = workload(
        store.workload_items(start, since, today),
        store.workload_days(start, today),
        blocks,
        settings,
        now,
        weeks,
        typical_session_minutes=settings.workload.session_minutes,
        scheduled_minutes=store.calendar_minutes(start, today, weeks),
        settled=settled,
        types_by_id=store.note_types(n for b in blocks for n in b.done_ids or ()),
    )
    from tracker import sprint  # the planner: only once the figures are in

    try:
        finish = sprint.build(store, settings, now).plan.finish_date
    except InputError:  # no catch-up days set: there is no plan to finish
        finish = None
    return w, finish


def _missing(w: Workload, key: str) -> str:
    why = w.notes.get(key)
    return f"{NOT_ENOUGH} ({why})" if why and not why.startswith(NOT_ENOUGH) else NOT_ENOUGH


def _why_none(w: Workload, key: str) -> str:
    why = w.notes.get(key, "")
    return NOT_ENOUGH if why.startswith(NOT_ENOUGH) else f"none: {why}"


def _share(share: float | None) -> str:
    return "-" if share is None else f"{round(share * 100)}%"


def _num(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{words.for_people(value)}{unit}"


def build(w: Workload, threshold: int, plan_finish: date | None = None) -> Page:
    """The page for `w`; `plan_finish` is the catch-up plan's finish date (None: none)."""
    hours = words.plural(w.rule_hours, "hour")
    rule = w.rule
    lag = w.billing_lag_days
    figures = [
        (
            "After-hours charting per 8 scheduled hours",
            _missing(w, "after_hours_per_8h")
            if w.after_hours_per_8h is None
            else words.plural(round(w.after_hours_per_8h), "minute"),
        ),
        (
            f"Notes written within {hours}",
            _missing(w, "within_rule_share")
            if rule.within_rule_share is None
            else f"{_share(rule.within_rule_share)} of {words.plural(rule.notes, 'note')}",
        ),
        (
            "Median hours from session to written",
            _missing(w, "median_hours_to_written")
            if rule.median_hours_to_written is None
            else words.for_people(rule.median_hours_to_written),
        ),
        (
            "Minutes per note in catch-up blocks",
            _missing(w, "minutes_per_note")
            if w.minutes_per_note is None
            else "; ".join(
                f"{words.type_noun(t, 2)} {words.for_people(p.minutes)}"
                + (f" ({p.against_budget} {p.budget[0]}-{p.budget[1]})" if p.budget else "")
                for t, p in w.minutes_per_note.items()
            ),
        ),
        (
            "Billing lag, session to written (billed notes)",
            _missing(w, "billing_lag_days")
            if lag.median is None or lag.p90 is None
            else f"median {words.days(lag.median)}, 90th percentile {words.days(lag.p90)} "
            f"({words.plural(lag.written, 'note')})",
        ),
        (
            "Notes arriving a week",
            _missing(w, "inflow_per_week")
            if w.inflow_per_week is None
            else words.about(w.inflow_per_week),
        ),
        (
            "Notes written a week",
            _missing(w, "written_per_week")
            if w.written_per_week is None
            else words.about(w.written_per_week),
        ),
        (
            "Open notes",
            f"{w.waiting.own} to write or to answer a coding query, "
            f"{w.waiting.others} waiting on others",
        ),
        (
            "Finish date at this pace",
            words.day(w.finish_date) if w.finish_date else _why_none(w, "finish_date"),
        ),
        (
            "Finish date of the catch-up plan",
            words.day(plan_finish) if plan_finish else "none: the plan does not finish",
        ),
    ]
    paces = w.minutes_per_note or {}
    by_type = []
    for note_type in sorted(set(w.by_type) | set(paces)):
        f, pace = w.by_type.get(note_type), paces.get(note_type)
        minutes = "-"
        if pace is not None:
            minutes = f"{words.for_people(pace.minutes)}"
            if pace.budget is not None:
                minutes += f" ({pace.against_budget} {pace.budget[0]}-{pace.budget[1]})"
        by_type.append(
            (
                words.type_noun(note_type, 2),
                f"{f.notes:,}" if f else "0",
                _share(f.within_rule_share) if f else "-",
                _num(f.median_hours_to_written) if f else "-",
                minutes,
            )
        )
    waiting = [
        (
            REASON_WORDS.get(reason, reason.replace("_", " "))
            + (" (own)" if reason in OWN_REASONS else ""),
            str(r.total),
            _num(r.median_age_days, " d"),
            str(r.past_chase),
        )
        for reason, r in w.waiting.by_reason.items()
        if r.total or reason in REASON_WORDS
    ]
    return Page(
        title=f"{TITLE}, {w.today:%d %B %Y}",
        span=f"The last {words.plural(w.weeks, 'week')}: {words.day(w.span_start)} to "
        f"{words.day(w.today)}.",
        paragraph=w.to_json()["paragraph"],
        figures=figures,
        by_type=by_type,
        waiting=waiting,
        outstanding=[(k.week_start, k.waiting_own) for k in w.weekly],
        threshold=threshold,
        after_hours=[(k.week_start, k.after_hours_per_8h) for k in w.weekly],
        rule_hours=w.rule_hours,
    )


def to_json(w: Workload, threshold: int, plan_finish: date | None) -> dict[str, Any]:
    """`caughtup summary --json`: the figures' keys, and the threshold and the plan's finish."""
    return {
        **w.to_json(),
        "threshold": threshold,
        "plan_finish_date": plan_finish.isoformat() if plan_finish else None,
    }


# -- text and Markdown --------------------------------------------------------------------------


def spark(values: list[int | None] | list[float | None]) -> str:
    """A one-line chart: a block per value, its height to scale; a gap where there is none."""
    known = [v for v in values if v is not None]
    top = max(known, default=0) or 1
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1)))]
        for v in values
    )


def lines(p: Page) -> list[str]:
    """The summary for the terminal."""
    width = max(len(label) for label, _ in p.figures)
    out = [p.title, p.span, "", p.paragraph, ""]
    out += [f"{label:<{width}}  {value}" for label, value in p.figures]
    if p.by_type:
        out += ["", "By note type: notes, within the rule, median hours, minutes a note"]
        out += [f"  {t}: {n}, {share}, {h}, {m}" for t, n, share, h, m in p.by_type]
    out += ["", "Waiting on: open notes, median age, past the chase age"]
    out += [f"  {who}: {n}, {age}, {chase}" for who, n, age, chase in p.waiting]
    out += ["", PRIVACY_LINE]
    return out


def _cell(text: str) -> str:
    return text.replace("|", "/")


def markdown(p: Page) -> str:
    out = [f"# {p.title}", "", p.span, "", p.paragraph, "", "## Figures", ""]
    out += ["| Figure | Value |", "| --- | --- |"]
    out += [f"| {_cell(label)} | {_cell(value)} |" for label, value in p.figures] + [""]
    if p.by_type:
        out += ["## By note type", ""]
        out += [
            f"| Note type | Notes | Within {p.rule_hours} h | Median hours | Minutes a note |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        out += [f"| {' | '.join(map(_cell, row))} |" for row in p.by_type] + [""]
    out += ["## What the open list waits on", ""]
    out += ["| Waiting on | Open | Median age | Past chase age |", "| --- | ---: | ---: | ---: |"]
    out += [f"| {' | '.join(map(_cell, row))} |" for row in p.waiting] + [""]
    out += ["## Week by week", ""]
    out += [
        f"- {CHARTS[0]} ({p.threshold}): `{spark([v for _, v in p.outstanding])}`",
        f"- {CHARTS[1]}: `{spark([v for _, v in p.after_hours])}`",
        "",
        f"*{PRIVACY_LINE}*",
        "",
    ]
    return "\n".join(out)


# -- PDF ------------------------------------------------------------------------------------------


def pdf_bytes(p: Page, created: datetime | None = None, paper: str = "A4") -> bytes:
    """One page on `paper`; the type shrinks a step at a time until everything fits."""
    return one_page(lambda scale: _render(p, scale, created, paper))


def _render(p: Page, k: float, created: datetime | None, paper: str) -> tuple[bytes, int]:
    from fpdf.enums import XPos, YPos

    pdf = new_pdf(p.title, created, paper)
    width = pdf.epw

    text, heading = partial(page_text, pdf, k), partial(page_heading, pdf, k)

    def table(
        rows: Sequence[tuple[str, ...]], widths: list[float], head: tuple[str, ...] | None
    ) -> None:
        size = 8.8
        row_h = size * k * 0.3528 * 1.5
        for n, row in enumerate([head, *rows] if head else rows):
            pdf.set_font("Helvetica", "B" if head and n == 0 else "", size * k)
            for cell, w in zip(row[:-1], widths, strict=False):
                pdf.cell(w * width, row_h, plain(cell))
            # The last column wraps: a figure's reason for being empty can be long.
            pdf.multi_cell(
                width * (1 - sum(widths[:-1])),
                row_h,
                plain(row[-1]),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )

    text(16, p.title, "B")
    pdf.set_text_color(90, 90, 90)
    text(8.5, p.span)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1.5 * k)
    text(10, p.paragraph)
    heading("Figures")
    table(p.figures, [0.44, 0.56], None)
    if p.by_type:
        heading("By note type")
        table(
            p.by_type,
            [0.26, 0.1, 0.16, 0.18, 0.3],
            ("Note type", "Notes", f"Within {p.rule_hours} h", "Median hours", "Minutes a note"),
        )
    heading("What the open list waits on")
    table(p.waiting, [0.4, 0.15, 0.2, 0.25], ("Waiting on", "Open", "Median age", "Past chase"))
    heading("Week by week")
    top = pdf.get_y()
    half = (width - 8) / 2
    chart_h = 38 * k
    _chart(pdf, pdf.l_margin, top, half, chart_h, CHARTS[0], p.outstanding, p.threshold, k)
    _chart(pdf, pdf.l_margin + half + 8, top, half, chart_h, CHARTS[1], p.after_hours, None, k)
    pdf.set_y(top + chart_h + 10 * k)
    pdf.set_text_color(70, 70, 70)
    text(8.5, PRIVACY_LINE, "I")
    return bytes(pdf.output()), pdf.pages_count


def _chart(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    title: str,
    series: list[tuple[date, int | None]] | list[tuple[date, float | None]],
    line: int | None,
    k: float,
) -> None:
    """A small line chart of weekly values (a gap where a week has none), with a dashed
    reference line at `line`, its scale and first and last weeks labelled."""
    pdf.set_font("Helvetica", "B", 8 * k)
    pdf.set_xy(x, y)
    pdf.cell(w, 4 * k, plain(title))
    top, bottom = y + 6 * k, y + h
    values = [v for _, v in series if v is not None]
    peak = max([*values, line or 0, 1])
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.line(x, bottom, x + w, bottom)
    pdf.line(x, top, x, bottom)
    pdf.set_font("Helvetica", "", 6.5 * k)
    pdf.set_text_color(90, 90, 90)
    pdf.text(x + 1, top + 2.5 * k, words.for_people(peak))
    if series:
        pdf.text(x, bottom + 3 * k, f"{series[0][0]:%d %b %Y}")
        pdf.text(x + w - 16 * k, bottom + 3 * k, f"{series[-1][0]:%d %b %Y}")
    pdf.set_text_color(0, 0, 0)

    def at(n: int, v: float) -> tuple[float, float]:
        step = w / max(1, len(series) - 1)
        return x + n * step, bottom - v / peak * (bottom - top)

    if line is not None:
        pdf.set_draw_color(180, 60, 40)
        pdf.set_dash_pattern(dash=1.2, gap=1.0)
        pdf.line(x, at(0, line)[1], x + w, at(0, line)[1])
        pdf.set_dash_pattern()
    pdf.set_draw_color(40, 70, 140)
    pdf.set_line_width(0.5)
    run: list[tuple[float, float]] = []
    for n, (_, v) in enumerate([*series, (date.min, None)]):
        if v is not None:
            run.append(at(n, v))
            continue
        if len(run) > 1:
            pdf.polyline(run)
        elif run:
            pdf.circle(run[0][0], run[0][1], 0.6, style="F")
        run = []
    pdf.set_line_width(0.2)


def write_pdf(
    path: Path, p: Page, home: Path, created: datetime | None = None, paper: str = "A4"
) -> Path:
    """Print the summary to `path` on `paper` (see `pdf.page_format`), owner-only (`home`: the
    data folder, see `files`)."""
    return write_output(path, pdf_bytes(p, created, paper), home)


def write_markdown(path: Path, p: Page, home: Path) -> Path:
    return write_output(path, markdown(p).encode("utf-8"), home)
