"""`caughtup summary` as a user runs it (its JSON, text, Markdown and PDF, read back), the light
store read it makes, the hand-off list (`backlog --owner`, `--csv`), `plan --what-if-sessions`,
and a property: no client reference reaches any form of the summary."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.conftest import digest
from tracker import handoff, workload
from tracker import workload_report as page
from tracker.clock import to_utc_text
from tracker.models import DayLog, Item
from tracker.settings import BLOCKERS, Settings
from tracker.store import Store

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # conftest's pinned clock
TODAY = NOW.date()
REF = "Zq7#ref"


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=UTC)


def history() -> tuple[list[Item], list[DayLog]]:
    """Three weeks of 5 sessions a weekday, written the same evening but a few; some billed, a
    few blocked; each with a client reference."""
    items, logs = [], []
    for n in range(21):
        day = TODAY - timedelta(days=20 - n)
        if day.weekday() >= 5:
            continue
        logs.append(DayLog(day, 5, 4, after_hours=40))
        for k in range(5):
            late = k == 4
            items.append(
                Item(
                    None,
                    day,
                    time(9 + k),
                    client_ref=f"{REF}{k}",
                    billed=k == 0,
                    written_at=None if late and n > 10 else at(day, "19:00"),
                )
            )
    blocked = at(TODAY - timedelta(days=12), "09:00")
    items += [
        Item(None, TODAY - timedelta(days=14), client_ref=f"{REF}r", blocked_on="result",
             blocked_since=blocked),
        Item(None, TODAY - timedelta(days=3), client_ref="=1+2", blocked_on="referral",
             blocked_since=at(TODAY - timedelta(days=2), "09:00")),
        Item(None, TODAY - timedelta(days=5), client_ref=f"{REF}c", blocked_on="coding_query",
             blocked_since=blocked),
    ]  # fmt: skip
    return items, logs


def fill(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    items, logs = history()
    with Store.open(home, UTC) as store:
        store.add_items(items, NOW)
        for log in logs:
            with store.transaction() as conn:
                conn.execute(
                    "INSERT INTO days (day, sessions, written, cleared, after_hours, logged_at) "
                    "VALUES (?, ?, ?, 0, ?, ?)",
                    (log.day.isoformat(), log.sessions, log.written, log.after_hours,
                     to_utc_text(NOW)),
                )  # fmt: skip


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


# -- the command, as a user runs it ---------------------------------------------------------------


def test_summary_json_text_markdown_and_pdf_from_a_real_process(home: Path, tmp_path: Path) -> None:
    fill(home)
    pdf, md = tmp_path / "summary.pdf", tmp_path / "summary.md"
    env = {**os.environ, "CAUGHTUP_HOME": str(home)}
    command = [sys.executable, "-m", "tracker", "summary", "--weeks", "4"]
    out = subprocess.run(
        [*command, "--json", "--pdf", str(pdf), "--md", str(md)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    # 78 sessions over the 21 days from Mon 2 Nov: 26 a week.
    assert data["inflow_per_week"] == 26.0 and data["weeks"] == 4
    # 600 after-hours minutes over the checked-in days' 77 sessions x 50 minutes, x 480.
    assert data["after_hours_per_8h"] == 74.8
    assert data["waiting"]["own"] == 7 and data["waiting"]["others"] == 2
    assert data["billing_lag_days"]["median"] == 0.0 and data["threshold"] == 5
    assert data["minutes_per_note"] is None and "blocks" in data["notes"]["minutes_per_note"]
    assert data["plan_finish_date"] is not None
    for path in (pdf, md):
        assert path.stat().st_mode & 0o777 == 0o600
    printed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    markdown = md.read_text()
    for shown in (printed, markdown):
        assert "Workload summary, 22 November 2026" in shown
        assert "Notes arrive at about 26 a week" in " ".join(shown.split())
        assert "not enough data yet" in shown  # minutes per note: no finished block
        assert REF not in shown and "=1+2" not in shown
    assert "Outstanding notes at each week's end" in printed
    text = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    assert "Notes written within 24 hours" in text and REF not in text


def test_bad_weeks_exit_2_and_change_nothing(home: Path, run: Callable[..., Result]) -> None:
    fill(home)
    before = digest(home)
    for weeks in ("0", "521", "ten"):
        result = run("summary", "--weeks", weeks)
        assert result.exit_code == 2 and "--weeks" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert digest(home) == before


def test_too_little_data_says_so_instead_of_a_number(run: Callable[..., Result]) -> None:
    run("log", "--sessions", "3", "--written", "3", "--after-hours", "30")
    lines = {
        label: value.strip()
        for label, _, value in (line.partition("  ") for line in run("summary").stdout.splitlines())
    }
    assert lines["After-hours charting per 8 scheduled hours"] == "not enough data yet"
    assert lines["Billing lag, session to written (billed notes)"].startswith(
        "not enough data yet (no billed"
    )
    assert lines["Minutes per note in catch-up blocks"].startswith("not enough data yet (no")


def test_the_light_read_gives_the_same_figures_as_every_item(home: Path) -> None:
    fill(home)
    settings = Settings()
    with Store.open(home, UTC) as store:
        start = workload.week_starts(TODAY, 2, "mon")[0]
        light = store.workload_items(start, to_utc_text(at(start, "00:00")), TODAY)
        assert light and all(i.client_ref is None for i in light)
        everything = store.items()
        assert len(light) < len(everything)  # the settled ones are counted in SQL instead
        counted = page.gather(store, settings, NOW, 2)[0]
        every = workload.workload(
            everything,
            store.days(),
            [],
            settings,
            NOW,
            2,
            typical_session_minutes=settings.workload.session_minutes,
        )
        assert counted.to_json() == every.to_json()


def test_the_typical_session_length_setting_scales_after_hours(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    fill(home)
    assert run("config", "workload.session_minutes", "60").exit_code == 0
    assert (
        run_json("summary", "--weeks", "4")["after_hours_per_8h"] == 62.3
    )  # 600 / (77 x 60) x 480
    bad = run("config", "workload.session_minutes", "5")
    assert bad.exit_code == 2 and "10 to 240" in bad.stderr


# -- no client reference, ever ------------------------------------------------------------------

REFS = st.text(alphabet="QXZqxz#=", min_size=3, max_size=12).map(lambda s: "Zq" + s)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Item], list[str]]:
    items, refs = [], []
    for n in range(draw(st.integers(0, 25))):
        session = TODAY - timedelta(days=draw(st.integers(0, 40)))
        written = None
        if draw(st.booleans()):
            written = at(session, "08:00") + timedelta(hours=draw(st.integers(0, 300)))
        blocked = draw(st.none() | st.sampled_from(BLOCKERS))
        refs.append(draw(REFS))
        items.append(
            Item(n + 1, session, None, note_type=draw(st.sampled_from(["progress", "intake"])),
                 client_ref=refs[-1], billed=draw(st.booleans()), blocked_on=blocked,
                 blocked_since=at(session, "12:00") if blocked else None, written_at=written)
        )  # fmt: skip
    return items, refs


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_no_client_reference_in_the_summary_pdf_markdown_or_json(
    case: tuple[list[Item], list[str]],
) -> None:
    items, refs = case
    logs = [DayLog(TODAY - timedelta(days=n), 3, 2, after_hours=15) for n in range(20)]
    w = workload.workload(items, logs, [], Settings(), NOW, 6, typical_session_minutes=50)
    shown = page.build(w, 5, TODAY + timedelta(days=30))
    forms = [
        json.dumps(page.to_json(w, 5, None)),
        page.markdown(shown),
        "\n".join(page.lines(shown)),
        pdf_text(page.pdf_bytes(shown)),
    ]
    for form in forms:
        assert not any(ref in form for ref in refs)


# -- the hand-off list ---------------------------------------------------------------------------


def test_backlog_owner_others_groups_by_who_acts_and_csv_carries_refs_safely(
    home: Path, tmp_path: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    fill(home)
    text = run("backlog", "--owner", "others").stdout
    assert text.index("-- results (1)") < text.index("-- referrals/authorizations (1)")
    assert "coding" not in text  # a coding query is the clinician's own to answer
    data = run_json("backlog", "--owner", "others")
    assert [i["blocked_on"] for i in data["items"]] == ["result", "referral"]
    assert [g["who"] for g in data["groups"]] == ["results", "referrals/authorizations"]
    mine = run_json("backlog", "--owner", "me")["items"]
    assert {i["blocked_on"] for i in mine} == {None, "coding_query"} and len(mine) == 7
    out = tmp_path / "handoff.csv"
    result = run("backlog", "--owner", "others", "--csv", str(out))
    assert result.exit_code == 0 and "holds client references" in result.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    rows = out.read_text().splitlines()
    assert rows[0] == ",".join(handoff.COLUMNS)
    assert rows[1].split(",")[1] == f"{REF}r" and rows[2].split(",")[1] == "'=1+2"
    bad = run("backlog", "--owner", "them")
    assert bad.exit_code == 2 and "--owner" in bad.stderr


def test_csv_cells_are_defused() -> None:
    for cell in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx"):
        assert handoff.defused(cell) == "'" + cell
    assert handoff.defused("C7") == "C7"


# -- what if ---------------------------------------------------------------------------------------


def test_plan_what_if_sessions_answers_without_saving(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    fill(home)
    data = run_json("plan", "--what-if-sessions", "-2")
    what = data["what_if"]
    assert what["change"] == -2 and what["premise"].startswith("In the 4 weeks before")
    assert data["sprint"] is None  # a what-if is never saved as the sprint
    text = run("plan", "--what-if-sessions", "-2").stdout
    assert "What if  with 2 sessions fewer a week: caught up" in text
    with Store.open(home, UTC) as store:
        assert store.current_sprint() is None
    bad = run("plan", "--what-if-sessions", "-101")
    assert bad.exit_code == 2 and "--what-if-sessions must be -100 to 100" in bad.stderr


# -- the screens ---------------------------------------------------------------------------------


async def test_backlog_owner_filter_and_the_trends_summary_action(home: Path) -> None:
    from textual.widgets import Static

    from screens.app import make_app
    from screens.backlog import BacklogScreen
    from screens.note_table import NoteTable
    from tests.conftest import Notices, settled, until

    fill(home)
    notices = Notices()
    app = make_app(home)
    async with app.run_test(size=(100, 30), message_hook=notices.hook) as pilot:
        await pilot.press("f3")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        table = screen.query_one(NoteTable)
        everything = table.row_count
        await pilot.press("H")  # yours: the 7 notes to write or answer, no "blocked" heading
        assert table.row_count == 7 and table.row_count < everything
        await pilot.press("H")  # others': grouped by who acts
        ids = table.keys[1:]
        assert [screen.rows[i].item.blocked_on for i in ids] == ["result", "referral"]
        summary = str(screen.query_one("#backlog-summary", Static).render())
        assert "waiting on others only, by who acts" in summary
        await pilot.press("H")
        assert table.row_count == everything
        await pilot.press("f6")
        await settled(pilot)
        await pilot.press("p")
        reports = home / "reports"
        await until(pilot, lambda: any("Summary printed" in n or "Saved" in n for n in notices),
                    "the summary is saved")  # fmt: skip
        (printed,) = reports.glob("workload-2026-11-22-12w.pdf")
        assert printed.stat().st_mode & 0o777 == 0o600
        text = pdf_text(printed.read_bytes())
        assert "Workload summary" in text and REF not in text
        await pilot.press("f4")  # the Sprint screen: what if one, then two sessions fewer?
        await settled(pilot)
        await pilot.press("i")
        await until(pilot, lambda: any("1 session fewer" in n for n in notices), "what if -1")
        await pilot.press("i")
        await until(pilot, lambda: any("2 sessions fewer" in n for n in notices), "what if -2")
        assert any("Premise:" in n for n in notices)
