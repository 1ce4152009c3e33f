"""The status summary in words: shared by `caughtup status`, `log` and the Today screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from tracker import rules
from tracker.settings import WEEKDAYS, Rules
from tracker.words import against_threshold, plural, rule_short
from tracker.workspace import Workspace

STATE_WORDS = {"ok": "ok", "watch": "watch", "reached": "catch up now"}
MAX_BLOCKED_LINES = 3  # the Today panel must fit 80x24
YESTERDAY_WORDS = {
    "met": "yesterday's notes all met the rule",
    "missed": "yesterday missed the rule",
    "pending": "yesterday's notes are still within the rule",
    "no_sessions": "no sessions yesterday",
    "not_logged": "yesterday, a working day, is not logged",
}


def not_logged(
    st: rules.Status, working_days: Sequence[str], yesterday: date, logged: bool
) -> bool:
    """Whether "no sessions yesterday" would hide that yesterday, a working day, was simply not
    logged (no check-in, no note)."""
    return (
        st.yesterday == "no_sessions"
        and not logged
        and WEEKDAYS[yesterday.weekday()] in working_days
    )


def current_status(ws: Workspace) -> rules.Status:
    now = ws.now()
    items = ws.store.current_items(since=now.date() - timedelta(days=1))
    return rules.status(items, ws.settings, now)


def bar(value: int, total: int, width: int = 10) -> str:
    """A text gauge that reads without colour: filled and empty blocks."""
    filled = min(width, round(width * value / total)) if total else 0
    return "█" * filled + "░" * (width - filled)


def short_line(st: rules.Status, rule_set: Rules) -> str:
    """One line for a shell prompt or a tmux bar."""
    parts = [f"notes {st.outstanding}/{st.threshold} {STATE_WORDS[st.threshold_state]}"]
    if st.breaches:
        parts.append(f"{st.breaches} past {rule_short(rule_set)}")
    if st.oldest_age_days is not None:
        parts.append(f"oldest {st.oldest_age_days}d")
    if st.blocked:
        parts.append(f"{st.blocked} blocked")
    return " · ".join(parts)


def human_lines(st: rules.Status, rule_set: Rules, yesterday: str | None = None) -> list[str]:
    """The status in a few lines: `caughtup status` and the Today screen (`yesterday`: a state
    of `YESTERDAY_WORDS` the caller knows better, such as not logged)."""
    said = YESTERDAY_WORDS[yesterday or st.yesterday]
    lines = [
        against_threshold(st.outstanding, st.threshold),
        f"{bar(st.outstanding, st.threshold)}   {STATE_WORDS[st.threshold_state]}",
        f"{rule_set.rule_hours}-hour rule {st.breaches} past due · {said}",
    ]
    if st.oldest_age_days is None:
        lines.append("Oldest       nothing outstanding: you are caught up")
    else:
        assert st.tier is not None
        lines.append(
            f"Oldest       {plural(st.oldest_age_days, 'day')} · "
            f"backlog {rules.TIER_LABELS[st.tier]}: {st.tier_goal}"
        )
    first = st.first_to_write
    if first is not None:
        lines.append(
            f"Write first  #{first.id} {first.note_type.replace('_', ' ')} "
            f"({rules.TRIAGE_LABELS[first.tier]}), {plural(first.age_days, 'day')} old"
        )
    if st.blocked:
        chase = f", {st.chase} to chase" if st.chase else ""
        lines.append(f"Blocked      {st.blocked} waiting on others{chase}")
        shown = st.blocked_items[:MAX_BLOCKED_LINES]
        for b in shown:
            flag = " · chase it" if b.chase else ""
            lines.append(f"  #{b.id} {b.blocked_on}, waiting {b.waiting_days}d{flag}")
        if len(st.blocked_items) > len(shown):
            lines.append(f"  and {len(st.blocked_items) - len(shown)} more (caughtup backlog)")
    return lines
