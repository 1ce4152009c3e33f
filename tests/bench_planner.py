"""Time the planner on 2,000 items over a year of blocks: `.venv/bin/python -m tests.bench_planner`.

Prints the best of several runs in milliseconds (the budget is 100 ms). `case()` is shared with
the test that keeps the budget.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from tracker import planner
from tracker.models import Item
from tracker.settings import NOTE_TYPES, Rules, Sprint

TODAY = date(2026, 11, 22)


def case(n: int = 2000) -> tuple[list[Item], planner.PlanParams, Rules]:
    """`n` mixed items (about a year of five 150-minute blocks a week), seeded."""
    rng = random.Random(2026)
    items = [
        Item(
            id=k + 1,
            session_date=TODAY - timedelta(days=rng.randrange(1, 400)),
            note_type=rng.choice(NOTE_TYPES),
            billed=rng.random() < 0.3,
            court=rng.random() < 0.03,
            high_risk=rng.random() < 0.05,
        )
        for k in range(n)
    ]
    params = planner.PlanParams(
        days=("mon", "tue", "wed", "thu", "fri"),
        start=TODAY,
        block_minutes=150,
        minutes_per_type={t: float(m) for t, m in Sprint().minutes_per_type.items()},
        target=TODAY + timedelta(days=300),
        inflow=2.0,
    )
    return items, params, Rules(payer_window_days=45)


def best_ms(runs: int = 5, clock: str = "wall") -> tuple[float, planner.Plan]:
    """Best of `runs`, by the wall clock or by this process's CPU time ("cpu": steadier when
    other work shares the machine)."""
    timer = time.perf_counter if clock == "wall" else time.process_time
    items, params, rules = case()
    best, result = float("inf"), None
    for _ in range(runs):
        began = timer()
        result = planner.plan(items, params, rules, TODAY, measured_inflow=3.0)
        best = min(best, (timer() - began) * 1000)
    assert result is not None
    return best, result


def main() -> None:
    wall, result = best_ms()
    cpu, _ = best_ms(clock="cpu")
    weeks = (result.blocks[-1].date - result.blocks[0].date).days / 7 if result.blocks else 0
    print(
        f"plan of 2000 items: {wall:.1f} ms wall, {cpu:.1f} ms CPU (best of 5); "
        f"{len(result.blocks)} blocks over {weeks:.0f} weeks"
    )


if __name__ == "__main__":
    main()
