"""A programme export served over HTTP on 127.0.0.1 (ETag, 304, errors, huge bodies, redirect loops)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Export:
    """What the fake server serves, and what it was asked."""

    def __init__(self) -> None:
        self.body = b"version 1"
        self.etag: str | None = '"v1"'
        self.status = 200
        self.requests: list[dict[str, str]] = []
        self.size: int | None = None  # serve this many bytes instead of the body


def _handler(export: Export) -> type[BaseHTTPRequestHandler]:
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


@contextmanager
def export_server() -> Iterator[tuple[Export, str]]:
    """The export and its base URL; `export.body`, `etag`, `status`, `size` change what is served."""
    export = Export()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(export))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield export, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
