"""Fetching a programme from a URL, against a local HTTP server: unchanged, changed, broken, away."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot import fetch as fetch_module
from bot.fetch import Fetched, FetchError, fetch, fetch_now


class _Export:
    """What the fake server serves, and what it was asked."""

    def __init__(self) -> None:
        self.body = b"version 1"
        self.etag: str | None = '"v1"'
        self.status = 200
        self.requests: list[dict[str, str]] = []
        self.size: int | None = None  # serve this many bytes instead of the body


def _handler(export: _Export) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            export.requests.append({k.lower(): v for k, v in self.headers.items()})
            if self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
                return
            if export.status != 200:
                self.send_response(export.status)
                self.end_headers()
                return
            if export.etag is not None and self.headers.get("If-None-Match") == export.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            if export.etag is not None:
                self.send_header("ETag", export.etag)
            self.send_header("Last-Modified", "Wed, 02 Dec 2026 05:00:00 GMT")
            if export.size is not None:  # a huge body, chunked, no length
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 65536
                sent = 0
                try:
                    while sent < export.size:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        sent += len(chunk)
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass  # the client hung up past its limit
                return
            self.send_header("Content-Length", str(len(export.body)))
            self.end_headers()
            self.wfile.write(export.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def served() -> Iterator[tuple[_Export, str]]:
    export = _Export()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(export))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield export, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_unchanged_is_a_304_and_changed_comes_back(served: tuple[_Export, str]) -> None:
    export, base = served
    async with httpx.AsyncClient() as client:
        first = await fetch(client, f"{base}/schedule.json")
        assert first.changed and first.body == b"version 1" and first.etag == '"v1"'
        again = await fetch(client, f"{base}/schedule.json", first)
        assert not again.changed and again.etag == '"v1"'
        assert export.requests[-1]["if-none-match"] == '"v1"'
        assert export.requests[-1]["if-modified-since"] == "Wed, 02 Dec 2026 05:00:00 GMT"
        export.body, export.etag = b"version 2", '"v2"'
        changed = await fetch(client, f"{base}/schedule.json", again)
        assert changed.body == b"version 2" and changed.etag == '"v2"'


async def test_a_server_ignoring_if_none_match_is_still_unchanged(served: tuple[_Export, str]) -> None:
    export, base = served
    async with httpx.AsyncClient() as client:
        first = await fetch(client, f"{base}/s")
        stale = Fetched(b"", '"other"', None)
        assert (await fetch(client, f"{base}/s", stale)).changed  # a different ETag: changed
        export.etag = None  # no ETag at all: every answer counts as changed
        assert (await fetch(client, f"{base}/s", first)).changed


@pytest.mark.parametrize(
    ("setup", "path", "said"),
    [
        (lambda e: setattr(e, "status", 500), "/s", "serwer odpowiedział 500"),
        (lambda e: setattr(e, "status", 404), "/s", "serwer odpowiedział 404"),
        (lambda e: setattr(e, "size", 3_000_000), "/s", "za duży"),
        (lambda e: None, "/loop", "przekierowań"),
    ],
)
async def test_broken_downloads_say_why(
    served: tuple[_Export, str], setup: object, path: str, said: str
) -> None:
    export, base = served
    setup(export)  # type: ignore[operator]
    async with httpx.AsyncClient(max_redirects=fetch_module.MAX_REDIRECTS) as client:
        with pytest.raises(FetchError) as raised:
            await fetch(client, f"{base}{path}", max_bytes=1_000_000)
    assert said in str(raised.value) and base in str(raised.value)


def test_an_unreachable_server_is_said_in_polish() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError) as raised:
        fetch_now(f"http://127.0.0.1:{port}/schedule.xml")
    assert "nie można się połączyć" in str(raised.value)


def test_fetch_now_gets_the_body(served: tuple[_Export, str]) -> None:
    _export, base = served
    assert fetch_now(f"{base}/x").body == b"version 1"
