"""Fetching a programme kept at a URL (a pretalx or Sessionize export), politely and within bounds.

A live programme is polled every few minutes: requests are conditional (ETag / If-Modified-Since),
so an unchanged export costs the server a 304 and us no parsing. The body is read as it streams
in and refused past the same size limit as a data file; redirects are followed a few times; every
failure is a `FetchError` whose message (Polish) names the URL and the reason, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

import httpx

from bot.document import DEFAULT_MAX_BYTES, SETTING

TIMEOUT = 30.0  # seconds for connecting and for each read; an export is served in well under that
MAX_REDIRECTS = 5
USER_AGENT = "asystent-wydarzenia (programme poll)"


class FetchError(Exception):
    """The programme could not be fetched; the message says where and why, in Polish."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One poll's result: the body when it changed (None: not modified), and what to send next time."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def changed(self) -> bool:
        return self.body is not None


def is_url(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def conditional_headers(previous: Fetched | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the last answer that had them."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if previous is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    return headers


def _problem(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"serwer nie odpowiedział w {TIMEOUT:g} s"
    if isinstance(exc, httpx.ConnectError):
        return "nie można się połączyć"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"ponad {MAX_REDIRECTS} przekierowań"
    return type(exc).__name__


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    previous: Fetched | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Fetched:
    """GET the export; a 304 (or the same ETag) is "not changed". Raises `FetchError`."""
    try:
        async with client.stream(
            "GET", url, headers=conditional_headers(previous), timeout=TIMEOUT, follow_redirects=True
        ) as response:
            if response.status_code == HTTPStatus.NOT_MODIFIED and previous is not None:
                return previous_unchanged(previous)
            if response.status_code != HTTPStatus.OK:
                raise FetchError(f"{url}: serwer odpowiedział {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdecimal() and int(declared) > max_bytes:
                raise FetchError(f"{url}: plik jest za duży (zmień {SETTING}, jeśli trzeba)")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: plik jest za duży (zmień {SETTING}, jeśli trzeba)")
                chunks.append(chunk)
            etag = response.headers.get("etag")
            last_modified = response.headers.get("last-modified")  # the server's, never our clock
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {_problem(exc)}") from None
    if previous is not None and etag is not None and etag == previous.etag:
        return previous_unchanged(previous)  # a server that ignores If-None-Match
    return Fetched(b"".join(chunks), etag, last_modified)


def previous_unchanged(previous: Fetched) -> Fetched:
    return Fetched(None, previous.etag, previous.last_modified)


def fetch_now(url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Fetched:
    """The export fetched once, synchronously: at start and in `check-data`, before any loop runs."""
    import asyncio

    async def once() -> Fetched:
        async with httpx.AsyncClient(max_redirects=MAX_REDIRECTS) as client:
            return await fetch(client, url, None, max_bytes)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(once())
    # Called from a thread with a running loop (a test, an embedding): fetch in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, once()).result()
