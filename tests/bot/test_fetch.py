"""Fetching a programme from a URL, against a local HTTP server: unchanged, changed, broken, away."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from bot import fetch as fetch_module
from bot.fetch import Fetched, FetchError, fetch, fetch_now
from tests.fakes.export_server import Export, export_server


@pytest.fixture
def served() -> Iterator[tuple[Export, str]]:
    with export_server() as running:
        yield running


async def test_unchanged_is_a_304_and_changed_comes_back(served: tuple[Export, str]) -> None:
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


async def test_a_server_ignoring_if_none_match_is_still_unchanged(served: tuple[Export, str]) -> None:
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
    served: tuple[Export, str], setup: object, path: str, said: str
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


def test_fetch_now_gets_the_body(served: tuple[Export, str]) -> None:
    _export, base = served
    assert fetch_now(f"{base}/x").body == b"version 1"
