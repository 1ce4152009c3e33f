"""The workload summary's paragraph: the figures of a `workload.Workload` in neutral sentences,
about the workload, never about the person; counts and rates only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker import words
from tracker.waiting import OWN_REASONS, REASON_WORDS

if TYPE_CHECKING:
    from tracker.workload import Workload


def paragraph(w: Workload) -> str:
    """A neutral paragraph from the figures: about the workload, never about the person."""
    said = []
    if w.inflow_per_week is not None and w.written_per_week is not None:
        gap = w.inflow_per_week - w.written_per_week
        lead = (
            f"Notes arrive at about {w.inflow_per_week:g} a week and about "
            f"{w.written_per_week:g} are written"
        )
        if gap >= 0.5:
            said.append(f"{lead}; the gap is what the backlog is made of.")
        elif gap <= -0.5:
            said.append(f"{lead}; more are written than arrive, so the backlog shrinks.")
        else:
            said.append(f"{lead}; the two are about even.")
    share = w.rule.within_rule_share
    if share is not None:
        said.append(
            f"{round(share * 100)}% of notes are written within "
            f"{words.plural(w.rule_hours, 'hour')} of the session."
        )
    if w.after_hours_per_8h is not None:
        said.append(
            f"After-hours charting comes to about {w.after_hours_per_8h:g} minutes per 8 hours "
            "of scheduled patient time."
        )
    wt = w.waiting
    if wt.own or wt.others:
        held = [
            f"{REASON_WORDS.get(k, k)} {v.total}"
            for k, v in wt.by_reason.items()
            if v.total and k not in OWN_REASONS
        ]
        text = (
            f"Of {words.plural(wt.own + wt.others, 'open note')}, {wt.own} "
            f"{words.agree(wt.own, 'is', 'are')} still to write or to answer a coding query and "
            f"{wt.others} {words.agree(wt.others, 'waits', 'wait')} on others"
        )
        text += f" ({', '.join(held)})" if held else ""
        chase = sum(v.past_chase for v in wt.by_reason.values())
        if chase:
            text += (
                f"; {chase} {words.agree(chase, 'has', 'have')} waited longer than the "
                f"{w.escalation_days}-day chase age"
            )
        said.append(text + ".")
    lag = w.billing_lag_days
    if lag.median is not None and lag.p90 is not None:
        said.append(
            f"Billed sessions are documented a median of {words.days(lag.median)} after the "
            f"session (90th percentile {words.days(lag.p90)})."
        )
    if w.outstanding and w.inflow_per_week is not None:
        said.append(
            f"At this pace the outstanding notes are cleared by {w.finish_date:%d %b %Y}."
            if w.finish_date
            else "At this pace the backlog does not shrink, so there is no finish date."
        )
    if not said:
        return "Not enough data yet for a picture of the workload: it fills in over two weeks."
    return " ".join(said)
