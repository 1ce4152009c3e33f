"""What a catch-up plan warns about, in words: weekend blocks, more blocks a week than anyone
keeps up, payer windows, notes longer than a block, inflow that outruns the blocks, a plan past
the horizon, a missed target. `planner.plan` works out the facts; this says them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker import words
from tracker.block_days import HORIZON_WEEKS, MAX_SUSTAINABLE, WEEKEND
from tracker.words import agree, for_people, plural, with_article

if TYPE_CHECKING:
    from tracker.planner import PlanParams


@dataclass(frozen=True)
class PlanWarning:
    code: str
    """weekend, unsustainable, past_payer_window, payer_window_before_block, inflow_outruns,
    beyond_horizon, longer_than_block, target_missed."""
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def plan_warnings(
    params: PlanParams,
    *,
    past_window: int,
    slipping: int,
    longer_than_block: list[tuple[str, float]],
    capacity: float,
    outruns: bool,
    turn: int | None,
    beyond: bool,
    unscheduled: int,
    meets: bool | None,
    needed: int | None,
    suggested: date | None,
) -> list[PlanWarning]:
    """The warnings of a plan, in the order they are shown.

    `past_window`: billed notes already past the payer's window; `slipping`: those that pass it
    before their block; `longer_than_block`: (a note type as a singular noun, its minutes) for
    each type one note of which takes longer than a block; `turn`: blocks a week that would turn a growing backlog (when
    `outruns`); `beyond`: the plan runs past the horizon, `unscheduled` notes left waiting.
    """
    warnings: list[PlanWarning] = []
    weekend = [d for d in params.days if d in WEEKEND]
    if weekend:
        warnings.append(
            PlanWarning(
                "weekend",
                f"blocks on {' and '.join(d.capitalize() for d in weekend)}: weekend catch-up "
                "eats into the rest that keeps you going; a weekday block is kinder if you can.",
            )
        )
    if params.blocks_per_week > MAX_SUSTAINABLE:
        warnings.append(
            PlanWarning(
                "unsustainable",
                f"{params.blocks_per_week} blocks a week is hard to keep up next to a full "
                f"caseload; {MAX_SUSTAINABLE} is a realistic most.",
            )
        )
    if past_window:
        warnings.append(
            PlanWarning(
                "past_payer_window",
                f"{plural(past_window, 'billed note')} already past the payer's window: write "
                f"{agree(past_window, 'it', 'them')} anyway, and ask billing how to handle "
                "the claim.",
            )
        )
    if slipping:
        warnings.append(
            PlanWarning(
                "payer_window_before_block",
                f"{plural(slipping, 'billed note')} will pass the payer's window before "
                "its block: write those first, or add a block sooner.",
            )
        )
    for kind, minutes in longer_than_block:
        warnings.append(
            PlanWarning(
                "longer_than_block",
                f"a {kind} takes about {minutes:.0f} minutes, longer than "
                f"{with_article(f'{params.block_minutes}-minute')} block: it gets a block to "
                "itself; a longer block would suit it better.",
            )
        )
    if outruns:
        written = f"these blocks write about {capacity:.0f} a week"
        warnings.append(
            PlanWarning(
                "inflow_outruns",
                f"at {for_people(params.inflow)} new notes a week the backlog grows at this pace: "
                f"{written}"
                + (
                    f", so it grows by about {params.inflow - capacity:.0f} a week"
                    if params.inflow > capacity + 0.5
                    else ", no faster than they arrive"
                )
                + ", and there is no finish date. The blocks below still take the most urgent "
                "notes first. "
                + (
                    f"{plural(turn, 'block')} a week would turn it"
                    if turn is not None
                    else "Even a block every day would not turn it: longer blocks would"
                )
                + ", or writing new notes the same day.",
            )
        )
    elif beyond:
        warnings.append(
            PlanWarning(
                "beyond_horizon",
                f"at this pace the plan runs past {HORIZON_WEEKS // 52} years, so it gives no "
                "finish date"
                + (
                    f"; {plural(unscheduled, 'note')} would still be waiting."
                    if unscheduled
                    else "."
                ),
            )
        )
    if meets is False:
        assert params.target is not None
        warnings.append(
            PlanWarning(
                "target_missed",
                f"this plan does not finish by {words.day(params.target)}; "
                + target_advice(needed, suggested)
                + ".",
            )
        )
    return warnings


def target_advice(needed: int | None, suggested: date | None) -> str:
    """What would meet a missed target, never more blocks a week than is sustainable."""
    if needed is not None and needed <= MAX_SUSTAINABLE:
        return f"{plural(needed, 'block')} a week would do it"
    more = (
        f"it would take {needed} blocks a week, more than the {MAX_SUSTAINABLE} you can keep up"
        if needed is not None
        else "even a block every day would not do it"
    )
    if suggested is None:
        return f"{more}: longer blocks, or fewer new notes joining the backlog, would"
    return f"{more}: a later target such as {words.day(suggested)} is the kinder plan"
