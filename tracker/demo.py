"""A realistic sample to explore caughtup with: a clinician about three weeks behind.

Eight weeks of weekday check-ins: five steady weeks (notes mostly the same day), then three in
which notes slip, leaving a mixed backlog (progress notes, an intake, a treatment plan, a group
note, a court report, admin), two court-involved items, billed and high-risk sessions, and two
notes waiting on someone else. Deterministic given the clock: the same `now` gives the same data.
It is only ever written into an empty folder, so it can never touch the user's own data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.models import DayLog, Item
from tracker.paths import DB_NAME, SETTINGS_NAME
from tracker.settings import Settings
from tracker.workspace import Workspace

SEED = 20261122
WEEKS = 8
SLIP_DAYS = 23  # the backlog starts 23 days ago: "over 3 weeks"
REFS = ("C7", "JD", "M2", "AK", "T11", "RB", "C12", "LP", "S4", "GW", "K9", "NB", "E5", "HF")
SESSION_HOURS = (9, 10, 11, 13, 14, 15, 16)
SPRINT_DAYS_AGO = 9  # the catch-up sprint started on the last weekday at least this long ago
NOTES_PER_DONE_BLOCK = 5  # a real first block: fewer notes than planned, and that is fine
# Two earlier self-checks: (days ago, how strongly each domain is answered from 0 to 1).
SELFCHECKS = ((33, {"overload": 0.35, "burnout": 0.2}), (5, {"overload": 0.8, "burnout": 0.4}))


@dataclass
class Built:
    """What the demo folder holds, for the CLI's summary."""

    home: Path
    days: int
    items: int
    open: int
    court: int
    blocks_done: int
    selfchecks: int

    def to_json(self) -> dict[str, Any]:
        return {
            "home": str(self.home),
            "days": self.days,
            "items": self.items,
            "open": self.open,
            "court": self.court,
            "sprint_blocks_done": self.blocks_done,
            "selfchecks": self.selfchecks,
        }


def _note_type(rng: random.Random) -> str:
    return rng.choices(
        ("progress", "case_note", "group", "intake", "treatment_plan"), weights=(12, 3, 2, 1, 1)
    )[0]


def _backlog_day(rng: random.Random, day: date, first: bool) -> list[Item]:
    """The notes left open from one slipping day (some written late, days afterwards)."""
    hours = sorted(rng.sample(SESSION_HOURS, rng.choice((1, 2, 2, 3))))
    items = []
    for n, hour in enumerate(hours):
        note_type = _note_type(rng)
        item = Item(
            id=None,
            session_date=day,
            session_time=time(hour, 0),
            note_type=note_type,
            client_ref=rng.choice(REFS) if rng.random() < 0.7 else None,
            billed=note_type in ("progress", "intake") and rng.random() < 0.45,
            high_risk=rng.random() < 0.08,
        )
        if (not first or n) and rng.random() < 0.3:  # caught up later, as a late entry
            written = datetime.combine(day + timedelta(days=rng.randint(2, 6)), time(20, 15))
            item = item._replace(written_at=written)
        items.append(item)
    return items


def _settled(item: Item, tz: tzinfo, now: datetime, evening: datetime) -> Item:
    """`item` as its day's evening leaves it: a late entry in the demo's zone (still open while
    that lies ahead), and blocked since that evening."""
    written = item.written_at.replace(tzinfo=tz) if item.written_at else None
    return item._replace(
        written_at=written if written is not None and written <= now else None,
        blocked_since=evening if item.blocked_on is not None else item.blocked_since,
    )


def _specials(today: date) -> list[Item]:
    """The items every demo has: two court-involved, admin, and two waiting on someone."""

    def ago(days: int) -> date:
        day = today - timedelta(days=days)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    return [
        Item(None, ago(2), time(14, 0), "court_report", "RB", court=True),
        Item(None, ago(1), time(10, 0), "progress", "K9", court=True, high_risk=True),
        Item(None, ago(6), None, "admin", admin=True),
        Item(None, ago(15), time(11, 0), "progress", "C12", billed=True, blocked_on="result"),
        Item(None, ago(3), time(15, 0), "intake", "E5", blocked_on="referral"),
    ]


def _selfcheck(ws: Workspace, day: date, strength: dict[str, float], at: datetime) -> None:
    """Answer the built-in self-check at the given strength per domain (safety: never)."""
    from tracker import questionnaire  # pydantic (~150 ms): only the demo and self-check pay it
    from tracker.selfcheck import evaluate

    q = questionnaire.load(questionnaire.DEFAULT_NAME, ws.home)
    answers = {}
    for item in q.items:
        level = strength.get(item.domain, 0.0)
        value = item.scale.min + round(level * (item.scale.max - item.scale.min))
        if item.reverse:
            value = item.scale.max - (value - item.scale.min)
        answers[item.id] = value
    result = evaluate(q, answers, day)
    ws.store.add_selfcheck(
        taken_on=day,
        taken_at=at,
        questionnaire=q.name,
        answers=result.answers,
        scores=result.scores,
        profile=result.profile,
        safety_flag=result.safety_flag,
    )


def _sprint_step(ws: Workspace, day: date, offset: int, evening: datetime) -> int:
    """Start the sprint on its day, and log each block that falls due; returns blocks done."""
    from tracker import blocks, sprint

    current = ws.store.current_sprint()
    if current is None:
        if offset <= SPRINT_DAYS_AGO:
            sprint.plan_and_save(ws.store, ws.settings, evening)
        return 0
    _, block = blocks.next_block(ws.store, evening)
    if block.day != day:
        return 0
    end = datetime.combine(day, block.start, tzinfo=ws.tz) + timedelta(minutes=block.minutes)
    blocks.log_block(ws.store, ws.settings, end, notes=NOTES_PER_DONE_BLOCK)
    return 1


def build(home: Path, *, theme: str = "textual-dark") -> Built:
    """Write the sample into `home`, which must not hold caughtup data yet."""
    for name in (DB_NAME, SETTINGS_NAME):
        if (home / name).exists():
            raise InputError(
                f"{home} already holds caughtup data ({name}); the demo only writes into a new folder"
            )
    ws = Workspace(home)
    ws.save_settings(Settings(theme=theme, onboarded=True))
    rng = random.Random(SEED)
    now = ws.now()
    tz, today = ws.tz, now.date()
    specials = _specials(today)
    days = leftover = blocks_done = taken = 0
    slipping = False
    try:
        for offset in range(WEEKS * 7, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            evening = datetime.combine(day, time(18, 30), tzinfo=tz)
            items = [i for i in specials if i.session_date == day]
            if offset <= SLIP_DAYS:
                items += _backlog_day(rng, day, first=not slipping)
                slipping = True
            items = [_settled(item, tz, now, evening) for item in items]
            if items:
                ws.store.add_items(items, evening)
            sessions = len(items) + rng.choice((3, 4, 4, 5))
            if offset > SLIP_DAYS:
                short = rng.choice((0, 0, 0, 1))
                log = DayLog(day, sessions, sessions - short, cleared=leftover,
                             after_hours=rng.randint(10, 40), dread=rng.choice((0, 1, 1, 2)),
                             drained=rng.choice((0, 1)))  # fmt: skip
                leftover = short
            else:
                heavier = (SLIP_DAYS - offset) // 7
                log = DayLog(day, sessions, sessions - len(items), cleared=0,
                             after_hours=rng.randint(45, 80) + 15 * heavier,
                             dread=min(4, rng.choice((2, 3, 3)) + heavier // 2),
                             drained=rng.choice((1, 2, 2, 3)))  # fmt: skip
                leftover = 0
            if offset <= SPRINT_DAYS_AGO:
                blocks_done += _sprint_step(ws, day, offset, evening)
            ws.store.log_day(log, evening)
            due = [s for ago, s in SELFCHECKS if offset <= ago]
            if len(due) > taken:
                _selfcheck(ws, day, due[-1], evening + timedelta(minutes=30))
                taken += 1
            days += 1
        items_all = ws.store.items()
        selfchecks = len(ws.store.selfchecks())
    finally:
        ws.close()
    return Built(
        home=home,
        days=days,
        items=len(items_all),
        open=sum(1 for i in items_all if i.is_open),
        court=sum(1 for i in items_all if i.court),
        blocks_done=blocks_done,
        selfchecks=selfchecks,
    )
