"""Time the habit and workload figures on the benchmark's ten-year history (13,000 notes):
`.venv/bin/python -m tests.bench_figures`.

Prints, for each, the store read a command would make and the pure computation, best of several
runs, wall and CPU. The budgets are for whole commands (`habit --json` 120 ms, `summary --json`
200 ms), so the computation should take a small part of them. `measure()` is shared with the test
that keeps this script working.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import history  # bench/history.py: the benchmark's synthetic clinician

from tracker import habit, workload
from tracker.settings import Settings
from tracker.store import Store

NOW = datetime(2026, 11, 22, 18, 30, tzinfo=ZoneInfo(history.TIMEZONE))


def best(f: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(best wall ms, best CPU ms, the last result)."""
    wall = cpu = float("inf")
    result = None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = f()
        wall = min(wall, (time.perf_counter() - w) * 1000)
        cpu = min(cpu, (time.process_time() - c) * 1000)
    return wall, cpu, result


def measure(shape: history.Shape | None = None, runs: int = 7) -> dict[str, Any]:
    """Timings (ms) and results over a fresh history in a temporary folder."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        out["facts"] = history.build(home, NOW, shape)
        tz = NOW.tzinfo
        assert tz is not None
        with Store.open(home, tz) as store:
            *out["habit read"], rows = best(store.habit_rows, runs)
            checkins = store.checkin_days()
            rules = Settings().rules
            *out["habit compute"], out["habit"] = best(
                lambda: habit.habit(rows, checkins, rules, tz, NOW, 52), runs
            )
            *out["habit 520 weeks"], _ = best(
                lambda: habit.habit(rows, checkins, rules, tz, NOW, 520), runs
            )
            for weeks in (12, 520):
                since = workload.week_starts(NOW.date(), weeks, "mon")[0]
                *out[f"summary {weeks} read"], items = best(
                    lambda since=since: (
                        store.items(since=since)
                        + [i for i in store.items(open_only=True) if i.session_date < since]
                    ),
                    max(1, runs // 2),
                )
                days = store.days(since)
                *out[f"summary {weeks} compute"], out[f"summary {weeks}"] = best(
                    lambda items=items, days=days, weeks=weeks: workload.workload(
                        items, days, [], Settings(), NOW, weeks, typical_session_minutes=50
                    ),
                    runs,
                )
    return out


def main() -> None:
    out = measure()
    print(f"history: {out['facts']}")
    for key, value in out.items():
        if isinstance(value, list) and len(value) == 2:
            print(f"{key:<22} {value[0]:6.1f} ms wall {value[1]:6.1f} ms CPU (best)")
    h = out["habit"]
    print(f"habit: streak {h.current_streak}, best {h.best_streak}, strength {h.strength}")
    print(f"summary: {out['summary 12'].to_json()['paragraph']}")


if __name__ == "__main__":
    main()
