"""What a calendar event becomes: the rules that pick sessions, and the records they give.

Everything here is plain data and pure functions (no icalendar): `reading` applies them to the
events it expands. A `Session` holds only what may be stored: the local date and start time, the
length, the note type and CPT code derived from the title and length, a client reference only
when the user's own pattern extracts one, and an import key (a hash of UID + recurrence id).
Titles, descriptions, locations and attendees never reach these records.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property

from tracker.errors import InputError
from tracker.models import check_client_ref

# Why an event in the window is not taken, in the order the tests are applied. The words people
# read for them belong in the words module (issue 20); these codes are the stable JSON values.
REASONS: Mapping[str, str] = {
    "no_start": "has no readable start",
    "unknown_zone": "names a time zone that is not known",
    "end_before_start": "ends before it starts",
    "unreadable": "has a date, length or repeat rule that cannot be read",
    "all_day": "is an all-day event",
    "free": "is marked free (not busy)",
    "cancelled": "is cancelled",
    "declined": "was declined",
    "too_short": "is shorter than the minimum length",
    "too_long": "is longer than the maximum length",
    "not_matching": "has a title that does not match the pattern",
}
FAULTS = ("no_start", "unknown_zone", "end_before_start", "unreadable")
"""Reasons that are faults in the file rather than the user's choice."""

# Psychotherapy time ranges (CPT time rule): below 16 minutes no code applies.
CPT_RANGES = ((53, "90837"), (38, "90834"), (16, "90832"))
DEFAULT_TYPES: Mapping[str, str] = {"intake": "intake", "group": "group"}
KEY_HEX = 16
"""Import keys keep 64 bits of the sha256: no collision in any one person's calendar."""


@dataclass(frozen=True)
class CalendarRules:
    """Which events are sessions and what they become (the future `calendar.*` settings)."""

    min_minutes: int = 15
    max_minutes: int = 120
    match: str = ""
    """A regular expression searched in the title; empty takes every title."""
    types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))
    """Keyword -> note type, the first keyword found in the title (a whole word, any case) wins."""
    default_type: str = "progress"
    client_ref: str = ""
    """A regular expression with one group that extracts a client reference; empty: none."""
    cpt: bool = True
    """Derive a psychotherapy CPT code from the length."""
    me: Sequence[str] = ()
    """The user's own addresses, to recognise a declined invitation (else inferred)."""

    @cached_property
    def _match(self) -> re.Pattern[str] | None:
        return compile_pattern(self.match, "calendar pattern", groups=None) if self.match else None

    @cached_property
    def _ref(self) -> re.Pattern[str] | None:
        if not self.client_ref:
            return None
        return compile_pattern(self.client_ref, "client reference pattern", groups=1)

    @cached_property
    def _types(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple(
            (re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE), kind)
            for word, kind in self.types.items()
            if word.strip()
        )

    def check(self) -> None:
        """Raise InputError now for a bad pattern or bounds, before any file is read."""
        if not 1 <= self.min_minutes <= self.max_minutes:
            raise InputError(
                f"session length bounds must satisfy 1 <= minimum <= maximum, got "
                f"{self.min_minutes}..{self.max_minutes} minutes"
            )
        _ = self._match, self._ref

    def matches(self, title: str) -> bool:
        return self._match is None or self._match.search(title) is not None

    def note_type(self, title: str) -> str:
        for pattern, kind in self._types:
            if pattern.search(title):
                return kind
        return self.default_type

    def reference(self, title: str) -> str | None:
        """The client reference the user's pattern extracts, or None (no pattern, no match, or
        not a short pseudonym)."""
        found = self._ref.search(title) if self._ref else None
        if found is None or found.group(1) is None:
            return None
        try:
            ref, _ = check_client_ref(found.group(1))
        except InputError:
            return None
        return ref


def compile_pattern(pattern: str, what: str, groups: int | None) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise InputError(f"{what} {pattern!r} is not a valid regular expression: {e}") from None
    if groups is not None and compiled.groups != groups:
        raise InputError(
            f"{what} {pattern!r} must have exactly one group in parentheses, like "
            f"'^(\\w+) ', got {compiled.groups}"
        )
    return compiled


def cpt_code(minutes: int) -> str | None:
    """The psychotherapy code for a session of this length: 90832, 90834, 90837 or none."""
    for least, code in CPT_RANGES:
        if minutes >= least:
            return code
    return None


def import_key(uid: str, recurrence_id: str = "") -> str:
    """The stored identity of one event instance: a truncated sha256 of UID + recurrence id."""
    digest = hashlib.sha256(f"{uid}\x1f{recurrence_id}".encode()).hexdigest()
    return digest[:KEY_HEX]


@dataclass(frozen=True)
class Session:
    """One past session taken from the calendar: only what may be stored."""

    key: str
    date: date
    start: time
    minutes: int
    note_type: str
    cpt: str | None = None
    client_ref: str | None = None


@dataclass(frozen=True)
class Skipped:
    """One event instance in the window that is not a session, and why (no title)."""

    reason: str
    date: date | None = None
    start: time | None = None
    minutes: int | None = None
    key: str | None = None


@dataclass(frozen=True)
class Window:
    """The span [start, end) of local time that a feed is known to cover completely."""

    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Reading:
    """What one calendar file says about the window: sessions, skipped instances, coverage.

    `covers` is the part of the window in which the feed lists every event (None: nothing), so
    a session missing there was deleted, while one before it only fell out of the feed's range.
    """

    sessions: tuple[Session, ...]
    skipped: tuple[Skipped, ...]
    covers: Window | None
    since: datetime
    now: datetime

    @property
    def counts(self) -> dict[str, int]:
        """Skipped instances per reason, in the order of REASONS."""
        tally = dict.fromkeys(REASONS, 0)
        for s in self.skipped:
            tally[s.reason] += 1
        return {reason: n for reason, n in tally.items() if n}

    def preview(self) -> dict[str, object]:
        """A JSON-ready summary of what an import would take and skip."""

        def when(d: date | None, t: time | None) -> str | None:
            if d is None:
                return None
            return d.isoformat() if t is None else f"{d.isoformat()}T{t:%H:%M}"

        return {
            "since": self.since.isoformat(timespec="minutes"),
            "until": self.now.isoformat(timespec="minutes"),
            "sessions": [
                {
                    "date": s.date.isoformat(),
                    "time": f"{s.start:%H:%M}",
                    "minutes": s.minutes,
                    "note_type": s.note_type,
                    "cpt": s.cpt,
                    "client_ref": s.client_ref,
                }
                for s in self.sessions
            ],
            "skipped": [
                {"at": when(s.date, s.start), "minutes": s.minutes, "reason": s.reason}
                for s in self.skipped
            ],
            "taken": len(self.sessions),
            "skipped_by_reason": self.counts,
        }
