"""A plan's premise and its advice on a missed target, in words from the settings.

Shared by `caughtup plan` and the Sprint screen, so both say "within 48 hours" when the rule
says 48, and neither suggests more catch-up blocks a week than anyone keeps up.
"""

from __future__ import annotations

from datetime import date

from tracker.planner import Plan
from tracker.settings import Rules
from tracker.words import about, plural, within_rule


def _date(d: date) -> str:
    return f"{d:%a %d %b %Y}"


def premise_words(plan: Plan, inflow_source: str, rule_set: Rules) -> tuple[str, str | None]:
    """(the plan's premise, what the measured inflow would do), in words from the settings."""
    p = plan.params
    if inflow_source == "default":
        premise = f"new notes are written {within_rule(rule_set)} from now on"
    else:
        premise = f"{about(p.inflow)} new notes a week join the backlog"
    measured, at_measured = plan.measured_inflow, plan.finish_at_measured
    if measured is None:
        return premise, None
    then = f"you would finish {_date(at_measured)}" if at_measured else "it would never finish"
    return premise, (
        f"over the last 4 weeks {about(measured)} notes a week slipped past "
        f"{plural(rule_set.rule_hours, 'hour')}; at that rate {then}"
    )
