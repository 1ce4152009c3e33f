"""Self-check scoring as pure functions: profiles, reverse keying, missing answers, safety."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import InputError
from tracker.models import DayLog, Item
from tracker.questionnaire import BUILTIN_DIR, load_file
from tracker.selfcheck import (
    OVERLOAD_STEPS,
    SAFETY_STEPS,
    SUPPORT_STEPS,
    Question,
    Questionnaire,
    Scale,
    evaluate,
    is_due,
    profile_label,
    profile_words,
    safety_headline,
    score,
    suggestions,
)
from tracker.selfcheck_context import Context, context_lines, tracker_context
from tracker.settings import Settings

BUILTIN = load_file(BUILTIN_DIR / "selfcheck.toml")
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def answers(
    q: Questionnaire = BUILTIN,
    overload: int = 0,
    burnout: int = 0,
    safety: int = 0,
    context: int = 0,
) -> dict[str, int]:
    """Answers whose strain (after reverse keying) is the given level in each domain."""
    level = {"overload": overload, "burnout": burnout, "safety": safety, "context": context}
    out = {}
    for item in q.items:
        want = level[item.domain]
        out[item.id] = item.scale.max + item.scale.min - want if item.reverse else want
    return out


def test_builtin_questionnaire_shape() -> None:
    assert 12 <= len(BUILTIN.items) <= 18
    assert set(BUILTIN.domains()) == {"overload", "burnout", "safety", "context"}
    assert any(i.reverse for i in BUILTIN.items)
    assert "2 weeks" in BUILTIN.recall
    assert all(
        i.scale == Scale(0, 4, i.scale.labels) and len(i.scale.labels) == 5 for i in BUILTIN.items
    )


@pytest.mark.parametrize(
    ("overload", "burnout", "profile"),
    [
        (4, 0, "documentation_overload"),
        (0, 4, "broader_burnout"),
        (3, 3, "both"),
        (1, 1, "neither"),
        (2, 1, "documentation_overload"),  # 50 is raised: "some days" on average
        (1, 2, "broader_burnout"),
    ],
)
def test_four_profiles(overload: int, burnout: int, profile: str) -> None:
    s = score(BUILTIN, answers(overload=overload, burnout=burnout))
    assert s.profile == profile
    assert s.scores["overload"] == overload * 25
    assert s.scores["burnout"] == burnout * 25
    assert s.safety_flag is False


def test_reverse_keyed_item_counts_the_other_way() -> None:
    base = answers(overload=2)
    # "I felt on top of my paperwork": nearly every day is the good end.
    on_top = score(BUILTIN, {**base, "paperwork_on_top": 4}).scores["overload"]
    never = score(BUILTIN, {**base, "paperwork_on_top": 0}).scores["overload"]
    assert on_top == 42 and never == 58  # (2*5 + 0)/24 and (2*5 + 4)/24 of the way up
    tiny = Questionnaire(
        "tiny",
        "Tiny",
        (
            Question("a", "overload", "A", Scale(1, 5)),
            Question("b", "overload", "B", Scale(1, 5), reverse=True),
        ),
    )
    assert score(tiny, {"a": 5, "b": 1}).scores["overload"] == 100
    assert score(tiny, {"a": 1, "b": 5}).scores["overload"] == 0
    assert score(tiny, {"a": 3, "b": 3}).scores["overload"] == 50


def test_missing_answer_names_the_item() -> None:
    given_answers = answers()
    del given_answers["audit_worry"]
    with pytest.raises(
        InputError, match="missing answer for 'audit_worry'; give a whole number from 0 to 4"
    ):
        score(BUILTIN, given_answers)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "answer for 'notes_dread' must be 0 to 4, got 5"),
        (-1, "answer for 'notes_dread' must be 0 to 4, got -1"),
        ("3", "must be a whole number from 0 to 4, got '3'"),
        (2.5, "must be a whole number from 0 to 4, got 2.5"),
        (True, "must be a whole number from 0 to 4, got True"),
        (None, "missing answer for 'notes_dread'"),
    ],
)
def test_bad_answer_values(value: Any, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score(BUILTIN, {**answers(), "notes_dread": value})


def test_unknown_item_is_refused() -> None:
    with pytest.raises(InputError, match="answer for unknown item 'nope'"):
        score(BUILTIN, {**answers(), "nope": 1})


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4])
def test_safety_item_at_each_value(value: int) -> None:
    s = score(BUILTIN, {**answers(), "self_harm_thoughts": value})
    assert s.safety_flag is (value > 0)
    assert s.profile == "neither"  # safety never changes the profile
    assert s.scores["safety"] == int(value * 25 / 3 + 0.5)  # one of three safety items
    tips = suggestions(s)
    assert ("Talk to someone today" in tips[0]) is (value > 0)


def test_safety_flag_with_a_nonzero_scale_minimum() -> None:
    q = Questionnaire("q", "Q", (Question("s", "safety", "S", Scale(1, 3)),))
    assert score(q, {"s": 1}).safety_flag is False
    assert score(q, {"s": 2}).safety_flag is True


@given(st.lists(st.integers(0, 4), min_size=len(BUILTIN.items), max_size=len(BUILTIN.items)))
def test_scores_stay_in_range_and_profile_follows_them(values: list[int]) -> None:
    s = score(BUILTIN, {item.id: v for item, v in zip(BUILTIN.items, values, strict=True)})
    assert all(0 <= v <= 100 for v in s.scores.values())
    high = (s.scores["overload"] >= 50, s.scores["burnout"] >= 50)
    expected = {
        (True, True): "both",
        (True, False): "documentation_overload",
        (False, True): "broader_burnout",
        (False, False): "neither",
    }
    assert s.profile == expected[high]


def test_suggestions_fit_the_profile() -> None:
    overload = suggestions(score(BUILTIN, answers(overload=4)))
    burnout = suggestions(score(BUILTIN, answers(burnout=4)))
    both = suggestions(score(BUILTIN, answers(overload=4, burnout=4)))
    neither = suggestions(score(BUILTIN, answers()))
    assert any("catch-up sprint" in t for t in overload)
    assert not any(t in overload for t in SUPPORT_STEPS)
    joined = " ".join(burnout)
    for word in ("peer consultation", "supervision", "own therapy", "primary care"):
        assert word in joined
    assert not any(t in burnout for t in OVERLOAD_STEPS)
    assert all(t in both for t in OVERLOAD_STEPS + SUPPORT_STEPS)
    assert "four weeks" in " ".join(neither)


def _day(d: date, dread: int | None, after_hours: int = 0) -> DayLog:
    return DayLog(day=d, sessions=5, written=5, after_hours=after_hours, dread=dread)


def test_context_dread_high_while_backlog_low_adds_support_to_overload() -> None:
    today = NOW.date()
    days = [_day(today - timedelta(days=n), 3, after_hours=40) for n in range(21)]
    ctx = tracker_context([], days, Settings(), NOW)
    assert ctx.tier is None and ctx.outstanding == 0
    assert ctx.dread_high_when_backlog_low is True and ctx.low_backlog_weeks == 3
    assert ctx.after_hours_per_week == 280 and ctx.days_logged == 14
    tips = suggestions(score(BUILTIN, answers(overload=4)), ctx)
    assert SUPPORT_STEPS[0] in tips and any("not only the notes" in t for t in tips)
    assert any("280 minutes a week" in t for t in tips)


def test_context_dread_eases_when_backlog_low() -> None:
    today = NOW.date()
    # A big backlog until two weeks ago (dread high then), cleared since (dread low now).
    old = [
        Item(
            id=n,
            session_date=today - timedelta(days=30),
            written_at=NOW - timedelta(days=13),
        )
        for n in range(8)
    ]
    days = [_day(today - timedelta(days=n), 1 if n < 14 else 4) for n in range(28)]
    ctx = tracker_context(old, days, Settings(), NOW)
    assert ctx.dread_high_when_backlog_low is False and ctx.low_backlog_weeks == 2
    tips = suggestions(score(BUILTIN, answers(overload=4)), ctx)
    assert not any(t in tips for t in SUPPORT_STEPS)


def test_context_with_an_open_backlog_and_no_checkins() -> None:
    items = [Item(id=n, session_date=NOW.date() - timedelta(days=10)) for n in range(6)]
    ctx = tracker_context(items, [], Settings(), NOW)
    assert ctx == Context(
        tier="1_to_3_weeks",
        outstanding=6,
        threshold=5,
        after_hours_per_week=None,
        days_logged=0,
        dread_high_when_backlog_low=None,
        low_backlog_weeks=0,
        after_hours_weeks=0,
        after_hours_weeks_missing=2,
    )
    tips = suggestions(score(BUILTIN, answers(overload=3)), ctx)
    assert any("1 to 3 weeks old" in t for t in tips)


def test_evaluate_and_due_every_four_weeks() -> None:
    result = evaluate(BUILTIN, answers(overload=4), NOW.date())
    assert result.profile == "documentation_overload" and result.taken_on == NOW.date()
    assert is_due(None, NOW.date())
    assert not is_due(NOW.date() - timedelta(days=27), NOW.date())
    assert is_due(NOW.date() - timedelta(days=28), NOW.date())


# -- issue 16: what a result tells a clinician ------------------------------------------------


def test_safety_items_are_single_ideas_in_plain_words_and_last() -> None:
    safety = [i for i in BUILTIN.items if i.domain == "safety"]
    assert BUILTIN.items[-3:] == tuple(safety)
    texts = [i.text for i in safety]
    assert texts == [
        "I had thoughts of ending my life.",
        "I had thoughts of harming myself.",
        "I had the thought that the people I work with or for would be better off without me.",
    ]
    assert not any(" or that " in t or ", or " in t for t in texts)


@pytest.mark.parametrize(
    ("item", "topic"),
    [
        ("end_life_thoughts", "thoughts of ending your life"),
        ("self_harm_thoughts", "thoughts of harming yourself"),
        ("better_off_without_me", "the people you work with or for would be better off"),
    ],
)
def test_a_safety_only_answer_is_never_neither_or_four_weeks(item: str, topic: str) -> None:
    result = evaluate(BUILTIN, {**answers(), item: 1}, NOW.date())
    assert result.safety_flag is True and result.profile == "neither"
    assert topic in safety_headline(result.safety_topics)
    label = profile_label(result.profile, result.signs)
    words = profile_words(result.profile, True, result.signs)
    everything = " ".join([label, words, *result.suggestions])
    assert "neither stands out" not in everything and "four weeks" not in everything
    assert result.suggestions[:2] == SAFETY_STEPS
    assert "today" in result.suggestions[0]
    assert all(w in result.suggestions[1] for w in ("therapist", "doctor", "employee-assistance"))
    assert result.next_due == NOW.date() + timedelta(days=7)
    assert is_due(NOW.date() - timedelta(days=7), NOW.date(), safety_flag=True)
    assert not is_due(NOW.date() - timedelta(days=6), NOW.date(), safety_flag=True)


def test_two_strong_signs_are_not_averaged_away() -> None:
    chosen = {**answers(), "rest_no_fix": 4, "body_changes": 4}
    result = evaluate(BUILTIN, chosen, NOW.date())
    assert result.profile == "neither" and result.scores["burnout"] < 50
    assert result.signs == ["rest_no_fix", "body_changes"]
    assert all(step in result.suggestions for step in SUPPORT_STEPS)
    assert "four weeks" not in " ".join(result.suggestions)
    assert profile_label(result.profile, result.signs) == (
        "no overall pattern, but single signs stand out"
    )
    # "Most days" is enough for a sign; "some days" is not.
    assert evaluate(BUILTIN, {**answers(), "numb_in_session": 3}, NOW.date()).signs == [
        "numb_in_session"
    ]
    assert evaluate(BUILTIN, {**answers(), "numb_in_session": 2}, NOW.date()).signs == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("alert_at = 0", "alert_at must be 1 to 4"),
        ("alert_at = 5", "alert_at must be 1 to 4"),
        ("reverse = true\nalert_at = 3", "a reverse-keyed item cannot carry one"),
    ],
)
def test_alert_at_is_checked(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "q.toml"
    path.write_text(
        'title = "Q"\n[scale]\nmin = 0\nmax = 4\n'
        f'[[items]]\nid = "a"\ndomain = "burnout"\ntext = "A"\n{extra}\n'
    )
    with pytest.raises(InputError, match=message):
        load_file(path)


def test_after_hours_are_per_calendar_week_and_weeks_without_check_ins_are_said() -> None:
    # 110 minutes in one check-in last week, nothing this week (NOW is a Sunday).
    days = [_day(NOW.date() - timedelta(days=10), None, after_hours=110)]
    ctx = tracker_context([], days, Settings(), NOW)
    assert ctx.after_hours_per_week == 110
    assert ctx.after_hours_weeks == 1 and ctx.after_hours_weeks_missing == 1
    (line,) = [x for x in context_lines(ctx) if x.startswith("After-hours")]
    assert line == (
        "After-hours charting: 110 minutes a week (1 check-in in 1 calendar week; "
        "1 week without a check-in left out)."
    )


def test_no_sprint_suggestion_when_nothing_is_outstanding() -> None:
    calm = tracker_context([], [], Settings(), NOW)
    assert calm.outstanding == 0
    tips = suggestions(score(BUILTIN, answers(overload=4)), calm)
    assert not any("sprint" in t for t in tips)
    busy = tracker_context([Item(id=1, session_date=NOW.date())], [], Settings(), NOW)
    assert any("sprint" in t for t in suggestions(score(BUILTIN, answers(overload=4)), busy))
