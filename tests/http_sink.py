"""A real HTTP endpoint on 127.0.0.1 that records what apprise's json:// plugin posts to it, and
serves pages to GET (a calendar feed, an HTML login page, an error, a slow answer)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple


class Page(NamedTuple):
    """What a GET of one path answers: status, content type, body, extra headers, delay."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/calendar; charset=utf-8"
    headers: Mapping[str, str] = {}
    delay: float = 0.0


class Sink:
    """The messages received, as parsed JSON bodies plus the raw bytes; the pages GET serves."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.pages: dict[str, Page] = {}
        self.fetched: list[str] = []

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"


def free_port() -> int:
    """A port nothing listens on (connections to it are refused until a sink takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextmanager
def serve(port: int = 0, status: int = 200) -> Iterator[Sink]:
    sink = Sink(port)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            sink.raw.append(body)
            sink.messages.append(json.loads(body))
            self.send_response(status)
            self.end_headers()

        def do_GET(self) -> None:
            sink.fetched.append(self.path)
            page = sink.pages.get(self.path, Page(b"not found", 404, "text/plain"))
            time.sleep(page.delay)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung endpoint)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]
