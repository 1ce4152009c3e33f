"""Getting a calendar's bytes: from a file, or from a private feed URL (`calendar.source`).

This is the only network use besides the notification URLs. A feed is fetched with urllib (no
new dependency), a short timeout and a size limit; every failure (no answer in time, an HTTP
error, a web page instead of a calendar, a refused redirect) becomes one InputError. Private
feed addresses carry a secret token in their path, so messages name only the host
(`describe`). Feeds must be https (webcal://, as Apple and Outlook publish them, means https);
plain http is accepted only for this machine (127.0.0.1, localhost, ::1), which is how the tests
serve a feed without certificates.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from tracker.errors import InputError

if TYPE_CHECKING:
    from http.client import HTTPMessage
    from urllib.request import Request

TIMEOUT = 10.0
"""Seconds to connect, for any one read, and for the whole download."""
MAX_BYTES = 64 * 1024 * 1024
"""A 50,000-event feed is about 20 MB; anything much larger is not a personal calendar."""
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CHUNK = 256 * 1024


def is_url(source: str) -> bool:
    return "://" in source


def describe(source: str) -> str:
    """How messages name a source: a file by its path, a feed by its host only."""
    if not is_url(source):
        return str(source)
    host = urlsplit(source.strip()).hostname or "an unknown host"
    return f"the calendar feed at {host}"


def fetch(source: str, timeout: float = TIMEOUT, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a calendar file or feed; InputError for anything that is not one."""
    if is_url(source):
        return _download(feed_url(source), describe(source), timeout, limit)
    return _read_file(Path(source).expanduser(), limit)


def feed_url(source: str) -> str:
    parts = urlsplit(source.strip())
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        parts, scheme = parts._replace(scheme="https"), "https"
    if scheme == "https" or (scheme == "http" and parts.hostname in LOOPBACK):
        if not parts.hostname:
            raise InputError(f"calendar feed address has no host: {describe(source)}")
        return urlunsplit(parts)
    raise InputError(
        f"a calendar feed address must start with https:// or webcal://, got {scheme or '?'}://"
        f" for {describe(source)}"
    )


def _read_file(path: Path, limit: int) -> bytes:
    try:
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            raise InputError(f"calendar file {path} {what}")
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                f"calendar file {path} is {size // 2**20} MiB; the limit is {limit // 2**20} MiB"
            )
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"calendar file {path} cannot be read (permission denied)") from None
    except OSError as e:
        raise InputError(f"calendar file {path} cannot be read: {e.strerror}") from None


def _download(url: str, name: str, timeout: float, limit: int) -> bytes:
    import http.client
    import urllib.error
    import urllib.request

    class _Redirects(urllib.request.HTTPRedirectHandler):
        """Follow a redirect only to an address a feed may have (never https -> http)."""

        def redirect_request(
            self,
            req: Request,
            fp: IO[bytes],
            code: int,
            msg: str,
            headers: HTTPMessage,
            newurl: str,
        ) -> Request | None:
            try:
                feed_url(newurl)
            except InputError:
                raise InputError(
                    f"{name} redirected to {describe(newurl).removeprefix('the calendar feed at ')}"
                    ", which is not an https:// address; use the feed's https address"
                ) from None
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(_Redirects)
    request = urllib.request.Request(
        url, headers={"User-Agent": "caughtup calendar sync", "Accept": "text/calendar, */*"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as answer:
            kind = answer.headers.get("Content-Type", "").lower()
            if "html" in kind:
                raise InputError(
                    f"{name} answered with a web page (HTML), not a calendar: the address may "
                    "have expired or need signing in; copy the private iCal/ICS address again"
                )
            declared = answer.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise InputError(f"{name} sent {int(declared) // 2**20} MiB, over the limit")
            chunks: list[bytes] = []
            got = 0
            while chunk := answer.read(CHUNK):
                got += len(chunk)
                if got > limit:
                    raise InputError(f"{name} sent more than {limit // 2**20} MiB, over the limit")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return b"".join(chunks)
    except InputError:
        raise
    except urllib.error.HTTPError as e:
        raise InputError(
            f"{name} answered HTTP {e.code} ({e.reason}): check that the address is current"
        ) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise InputError(f"{name} did not answer within {timeout:g} s") from None
        raise InputError(f"{name} could not be reached ({e.reason})") from None
    except TimeoutError:
        raise InputError(f"{name} did not answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as e:  # dropped, cut short, garbled
        raise InputError(f"{name} could not be read ({type(e).__name__})") from None
