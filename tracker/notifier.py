"""Sending reminders: the only module that imports apprise or touches the network.

Each configured URL is its own channel with its own sent-state, so a URL that was down gets the
alerts it missed on the next run (with fresh counts) while the others are not sent them twice.
Every attempt is recorded in the store with the URL masked and hashed, never whole. Sending
happens outside any database transaction, so a slow endpoint never holds up a check-in.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tracker import alerts, habit, words
from tracker.paths import REMIND_ERRORS
from tracker.records import Delivery
from tracker.settings import Settings, mask
from tracker.store import Store

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
TEST_TITLE = "caughtup test"
TEST_BODY = "If you can read this, caughtup reminders reach you here."
LOCK_NAME = "remind.lock"
KIND_SEPARATOR = ","  # a delivery of one message carrying several alerts: "breach,threshold"
_URLISH = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*", re.IGNORECASE)


def channel(url: str) -> str:
    """A short stable hash of a URL: tells URLs apart in the store without keeping them."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def scrub(text: str, url: str) -> str:
    """`text` with the URL and every part of it (host, path, user, token) blanked out."""
    _, _, rest = url.partition("://")
    pieces = {p for p in re.split(r"[/:@?&=#,;]+", rest) if len(p) >= 3}
    pieces |= {unquote(p) for p in pieces}
    text = _URLISH.sub("•••", text.replace(url, "•••"))
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, "•••")
    return " ".join(text.split())[:300]


def send(url: str, title: str, body: str, timeout: float = READ_TIMEOUT_S) -> str | None:
    """Send one message to one URL; None when it was delivered, else why not (URL scrubbed)."""
    import apprise  # ~250 ms: only when a message is actually sent

    # Apprise's own log lines can name hosts: keep them in the result, out of any log handler.
    logging.getLogger("apprise").propagate = False
    asset = apprise.AppriseAsset(secure_logging=True)
    service = apprise.Apprise.instantiate(url, asset=asset)
    if service is None:
        return "apprise does not understand this URL; check its scheme and parts"
    service.socket_connect_timeout = min(CONNECT_TIMEOUT_S, timeout)
    service.socket_read_timeout = timeout
    sender = apprise.Apprise(asset=asset)
    sender.add(service)
    limit = service.socket_connect_timeout + timeout + 1
    try:
        result = sender.notify(body=body, title=title, timeout=limit)
    except Exception as exc:  # a plugin bug must not stop the other URLs or the run
        return scrub(f"{type(exc).__name__}: {exc}", url)
    if result:
        return None
    if result.status == apprise.AppriseResultStatus.TIMEOUT:
        return f"no answer within {timeout:g} seconds"
    said = [entry.message for entry in result.logs() if entry.level in ("WARNING", "ERROR")]
    return scrub("; ".join(said) or f"not delivered ({result.status.name.lower()})", url)


@contextmanager
def run_lock(home: Path) -> Iterator[bool]:
    """True when this process holds the reminder lock (two cron runs must not both send)."""
    import fcntl

    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_NAME, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class Report:
    """What one `remind` run found and did."""

    now: datetime
    urls: int
    active: list[str]
    due: list[alerts.Alert]
    hold_reason: str | None
    held_until: datetime | None
    deliveries: list[Delivery] = field(default_factory=list)
    busy: bool = False
    """Another `remind` was running, so this one sent nothing."""

    def to_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(timespec="seconds"),
            "urls": self.urls,
            "active": self.active,
            "due": [a.to_json() for a in self.due],
            "hold_reason": self.hold_reason,
            "held_until": self.held_until.isoformat(timespec="minutes")
            if self.held_until
            else None,
            "busy": self.busy,
            "sent": sum(d.ok for d in self.deliveries),
            "failed": sum(not d.ok for d in self.deliveries),
            "deliveries": [delivery_json(d) for d in self.deliveries],
        }


def delivery_json(d: Delivery) -> dict[str, Any]:
    return {
        "at": d.at.isoformat(timespec="seconds"),
        "kind": d.kind,
        "kinds": d.kind.split(KIND_SEPARATOR),
        "target": d.target,
        "ok": d.ok,
        "error": d.error,
    }


def remind(
    store: Store, settings: Settings, now: datetime, *, timeout: float = READ_TIMEOUT_S
) -> Report:
    """Evaluate the alerts for each URL, send what is due, record every outcome."""
    items = store.items(open_only=True)
    days = store.days()
    sprint = store.current_sprint()
    blocks = store.sprint_blocks(sprint.id) if sprint else []
    blocks_today = [b for b in blocks if b.day == now.date()]
    kept = store.selfchecks(limit=1)
    last_selfcheck = kept[0]["taken_on"] if kept else None
    flagged = bool(kept and kept[0]["safety_flag"])  # the next one is then due in 7 days
    urls = list(dict.fromkeys(settings.notify.urls))
    figures = habit.current(store, settings, now) if alerts.habit_wanted(settings, now) else None

    def evaluate(sent: dict[str, int | str]) -> alerts.Evaluation:
        return alerts.evaluate(
            items,
            days,
            blocks_today,
            last_selfcheck,
            settings,
            sent,
            now,
            selfcheck_flagged=flagged,
            figures=figures,
        )

    overview = evaluate({})
    report = Report(
        now=now,
        urls=len(urls),
        active=overview.active,
        due=[],
        hold_reason=overview.hold_reason,
        held_until=overview.held_until,
    )
    due: dict[str, alerts.Alert] = {}
    for url in urls:
        ch = channel(url)
        evaluation = evaluate(store.sent_state(ch))
        due.update({a.kind: a for a in evaluation.send + evaluation.held})
        delivered: list[str] = []
        if evaluation.send:  # everything due goes out as one message; it fails or lands whole
            kinds = [a.kind for a in evaluation.send]
            title, body = alerts.compose(evaluation.send)
            error = send(url, title, body, timeout)
            kind = KIND_SEPARATOR.join(kinds)
            report.deliveries.append(Delivery(now, kind, ch, mask(url), error is None, error))
            delivered = kinds if error is None else []
        store.save_sent_state(ch, evaluation.state_after(delivered))
    store.record_deliveries(report.deliveries)
    store.forget_channels(channel(u) for u in urls)
    # Without URLs nothing is sent, but the run still says what would be.
    report.due = (
        [due[k] for k in alerts.KINDS if k in due] if urls else overview.send + overview.held
    )
    return report


def send_test(
    store: Store, urls: Sequence[str], now: datetime, timeout: float = READ_TIMEOUT_S
) -> list[Delivery]:
    """Send the test message to each URL; record and return each outcome."""
    results = []
    for url in dict.fromkeys(urls):
        error = send(url, TEST_TITLE, TEST_BODY, timeout)
        results.append(Delivery(now, "test", channel(url), mask(url), error is None, error))
    store.record_deliveries(results)
    return results


def remind_failure(home: Path) -> str | None:
    """Why the last `remind` run from the printed cron line failed (the last line it left in
    `REMIND_ERRORS`), or None: a run that completes clears that file."""
    try:
        text = (home / REMIND_ERRORS).read_text(errors="replace")
    except OSError:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("caughtup: ")[:400] if lines else None


def describe(d: Delivery | None, now: datetime) -> str:
    """The last delivery in words, for the TUI and `caughtup remind`."""
    if d is None:
        return "No notification sent yet."
    when = f"{d.at:%H:%M}" if d.at.date() == now.date() else words.moment(d.at)
    kinds = d.kind.split(KIND_SEPARATOR)
    what = (
        "test message"
        if d.kind == "test"
        else f"{kinds[0]} reminder"
        if len(kinds) == 1
        else f"message of {len(kinds)} reminders ({', '.join(kinds)})"
    )
    if d.ok:
        return f"Last notification: {what} delivered {when} to {d.target}."
    retry = "" if d.kind == "test" else "; it is retried on the next run"
    return f"Last notification: {what} to {d.target} failed {when} ({d.error}){retry}."
