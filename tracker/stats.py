"""The two summary statistics the workload figures use, each with its method stated (and light:
the standard library's `statistics` costs about 10 ms to import)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def median(values: Sequence[float]) -> float | None:
    """The middle value; for an even count, the mean of the two middle ones (None when empty)."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank: the ceil(p/100 * n)-th smallest value, so at least p% of the values are at
    or below it; always an observed value, never an interpolation (None when empty)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered) - 1e-9))
    return float(ordered[rank - 1])
