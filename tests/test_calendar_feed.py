"""Fetching a calendar: a file, or a private feed served by a real HTTP server on 127.0.0.1.

https cannot be served on loopback without certificates, so the feed code accepts plain http for
127.0.0.1, localhost and ::1 only; everything else must be https (or webcal://, which is https).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.http_sink import Page, free_port, serve, silent_listener
from tracker.calendar import feed
from tracker.calendar.reading import read_sessions
from tracker.calendar.sessions import CalendarRules
from tracker.errors import InputError

PRACTICE = (Path(__file__).parent / "calendars" / "practice.ics").read_bytes()
TOKEN = "private-3f9a1c77e0b2d4c5a6b7"


def test_a_feed_url_is_fetched_and_read() -> None:
    with serve() as sink:
        sink.pages[f"/cal/{TOKEN}/basic.ics"] = Page(PRACTICE)
        source = f"http://127.0.0.1:{sink.port}/cal/{TOKEN}/basic.ics"
        data = feed.fetch(source)
    assert data == PRACTICE and sink.fetched == [f"/cal/{TOKEN}/basic.ics"]
    tz = ZoneInfo("America/Chicago")
    now = datetime(2026, 11, 22, 18, tzinfo=tz)
    got = read_sessions(data, CalendarRules(), now - timedelta(days=60), now, tz)
    assert len(got.sessions) == 10


def test_a_redirect_to_another_feed_address_is_followed() -> None:
    with serve() as sink:
        sink.pages["/old"] = Page(status=301, headers={"Location": "/new.ics"})
        sink.pages["/new.ics"] = Page(PRACTICE)
        assert feed.fetch(f"http://localhost:{sink.port}/old") == PRACTICE
    assert sink.fetched == ["/old", "/new.ics"]


def fails(source: str, **kwargs: float) -> str:
    with pytest.raises(InputError) as e:
        feed.fetch(source, **kwargs)  # type: ignore[arg-type]
    message = str(e.value)
    assert "\n" not in message and TOKEN not in message
    return message


@pytest.mark.parametrize(
    ("page", "says"),
    [
        (Page(b"no such calendar", 404, "text/plain"), "answered HTTP 404 (Not Found)"),
        (Page(b"oops", 500, "text/plain"), "answered HTTP 500"),
        (Page(b"<html>Sign in</html>", 200, "text/html; charset=utf-8"), "web page (HTML)"),
        (Page(b"x" * 5000, 200, "text/calendar"), "over the limit"),
        (
            Page(status=302, headers={"Location": f"http://calendar.example/{TOKEN}"}),
            "redirected to calendar.example, which is not an https:// address",
        ),
    ],
    ids=["404", "500", "html", "too big", "redirect to http"],
)
def test_a_feed_that_fails_is_one_clear_error_naming_only_the_host(page: Page, says: str) -> None:
    with serve() as sink:
        sink.pages[f"/{TOKEN}.ics"] = page
        message = fails(f"http://127.0.0.1:{sink.port}/{TOKEN}.ics", limit=4096)
    assert says in message and "the calendar feed at 127.0.0.1" in message
    assert sink.fetched == [f"/{TOKEN}.ics"]  # the refused redirect was not followed


def test_an_html_answer_labelled_as_a_calendar_is_caught_when_read() -> None:
    with serve() as sink:
        sink.pages["/feed"] = Page(b"<!DOCTYPE html><html><body>Expired</body></html>")
        source = f"http://127.0.0.1:{sink.port}/feed"
        data = feed.fetch(source)
    tz = ZoneInfo("UTC")
    now = datetime(2026, 11, 22, 18, tzinfo=tz)
    with pytest.raises(InputError, match=r"^the calendar feed at 127\.0\.0\.1 is a web page"):
        read_sessions(
            data, CalendarRules(), now - timedelta(days=60), now, tz, feed.describe(source)
        )


def test_a_feed_that_does_not_answer_times_out() -> None:
    with silent_listener() as port:
        begin = time.monotonic()
        message = fails(f"http://127.0.0.1:{port}/{TOKEN}.ics", timeout=0.5)
        assert time.monotonic() - begin < 5
    assert message == "the calendar feed at 127.0.0.1 did not answer within 0.5 s"


def test_a_feed_nobody_serves_cannot_be_reached() -> None:
    message = fails(f"http://127.0.0.1:{free_port()}/{TOKEN}.ics")
    assert message.startswith("the calendar feed at 127.0.0.1 could not be reached")


@pytest.mark.parametrize(
    ("source", "says"),
    [
        (f"http://calendar.example/{TOKEN}.ics", "must start with https:// or webcal://"),
        (f"ftp://127.0.0.1/{TOKEN}.ics", "got ftp://"),
        ("https:///no-host.ics", "has no host"),
    ],
)
def test_only_https_feeds_leave_the_machine(source: str, says: str) -> None:
    assert says in fails(source)


def test_webcal_means_https_and_messages_hide_the_token() -> None:
    assert feed.feed_url(f"webcal://p42-caldav.icloud.com/published/2/{TOKEN}") == (
        f"https://p42-caldav.icloud.com/published/2/{TOKEN}"
    )
    assert feed.describe(f"https://calendar.google.com/calendar/ical/x/{TOKEN}/basic.ics") == (
        "the calendar feed at calendar.google.com"
    )
    assert feed.describe("~/Downloads/calendar.ics") == "~/Downloads/calendar.ics"


def test_a_file_is_read_and_a_bad_path_is_one_clear_error(tmp_path: Path) -> None:
    good = tmp_path / "export.ics"
    good.write_bytes(PRACTICE)
    assert feed.fetch(str(good)) == PRACTICE
    assert fails(str(tmp_path / "missing.ics")).endswith("missing.ics does not exist")
    assert fails(str(tmp_path)).endswith("is a folder, not a file")
    assert "the limit is" in fails(str(good), limit=2**20 // 2**10)
