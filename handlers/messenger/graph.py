"""The Graph API as the bot uses it: the Send API and the Messenger Profile API, over aiohttp.

Errors are sorted into what to do about them: a rate limit or a server hiccup is retried with
backoff; a person who can no longer be reached is "gone"; a message outside the 24-hour window
is "outside the window". The page token travels in the `Authorization: Bearer` header, which the
Graph API accepts like the `access_token` parameter: a URL may be logged or shown in an
exception, a header never is.

aiohttp rather than httpx: two Graph calls per answer (`typing_on`, the message) cost about a
millisecond of CPU each through httpx and its pool, a quarter of that through aiohttp — they were
most of an answer's CPU (bench/bench_messenger.py; handlers/telegram/transport.py measured the same
for the Telegram fan-out).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp
from aiohttp.payload import BytesPayload
from yarl import URL

from bot.logs import one_line
from bot.metrics import Metrics

logger = logging.getLogger(__name__)

ATTEMPTS = 5
BACKOFF = 0.5  # seconds before the second attempt; doubled each time, with jitter
# No pool timeout: in a burst, answers wait their turn for a connection rather than fail
# (aiohttp's `connect` would count the wait for a pooled connection; `sock_connect` is the connect).
TIMEOUT = aiohttp.ClientTimeout(total=None, connect=None, sock_connect=5.0, sock_read=10.0)
# Graph API error codes (developers.facebook.com/docs/messenger-platform/error-codes).
_RETRY_CODES = frozenset({1, 2, 4, 17, 32, 613, 1200})  # temporary failures and rate limits
_GONE_CODES = frozenset({551})  # "This person isn't available right now"
_GONE_SUBCODES = frozenset({2018001})  # "No matching user found"
_WINDOW_SUBCODES = frozenset({2018065, 2018278})  # "sent outside of allowed window"
PLATFORM = "messenger"  # the label of its errors in the metrics
JSON = "application/json"
# Compact UTF-8 JSON, as httpx sent it: Polish letters as themselves, not as \u escapes. One
# encoder for every body (json.dumps with options builds a new encoder per call).
_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_json(value: Any) -> bytes:
    """`value` as the JSON bytes a Graph call sends."""
    return _encoder.encode(value).encode()


def proxy_for(url: str) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY for this URL unless NO_PROXY covers its host (httpx honoured them).

    Read once per client: aiohttp's own `trust_env` looks them up on every request.
    """
    target = URL(url)
    proxy = urllib.request.getproxies().get(target.scheme)
    if not proxy or urllib.request.proxy_bypass(target.host or ""):
        return None
    return proxy


class Problem(StrEnum):
    RETRY = "retry"
    GONE = "gone"
    OUTSIDE_WINDOW = "outside_window"
    REFUSED = "refused"  # anything else: a bad request, a bad token


class GraphError(Exception):
    """A Graph API call that failed for good; `problem` says what kind of failure."""

    def __init__(self, problem: Problem, status: int, code: int | None, subcode: int | None) -> None:
        super().__init__(f"Graph API: {problem.value} (HTTP {status}, code {code}, subcode {subcode})")
        self.problem = problem
        self.status = status
        self.code = code
        self.subcode = subcode


def classify(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    subcode = error.get("error_subcode") if isinstance(error, dict) else None
    if code in _GONE_CODES or subcode in _GONE_SUBCODES:
        return Problem.GONE
    if subcode in _WINDOW_SUBCODES:
        return Problem.OUTSIDE_WINDOW
    if status == 429 or status >= 500 or code in _RETRY_CODES:
        return Problem.RETRY
    return Problem.REFUSED


@dataclass
class GraphApi:
    base_url: str  # with the version: https://graph.facebook.com/v26.0
    page_token: str
    connections: int = 16
    backoff: float = BACKOFF
    metrics: Metrics = field(default_factory=Metrics)

    def __post_init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._proxy: str | None = None
        self._urls: dict[str, URL] = {}  # path → parsed URL, parsed once
        # Requests wait here, in order, not in the connection pool: waiting in httpcore's pool
        # made each send of a burst slower (bench/bench_messenger.py); one gate for any client.
        self._gate = asyncio.Semaphore(self.connections)

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=self.connections)
            self._proxy = proxy_for(self.base_url)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=TIMEOUT,
                headers={"Authorization": f"Bearer {self.page_token}"},
            )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, body: dict[str, Any] | bytes) -> None:
        """POST /me/messages: a message or a sender action (a dict, or its JSON already encoded)."""
        await self.post("/me/messages", body)

    async def send_file(self, psid: str, filename: str, content: bytes, mimetype: str) -> None:
        """POST /me/messages as multipart: a file attachment uploaded with the message."""
        fields = {
            "recipient": json.dumps({"id": psid}),
            "messaging_type": "RESPONSE",
            "message": json.dumps({"attachment": {"type": "file", "payload": {"is_reusable": False}}}),
        }
        await self.post("/me/messages", fields, files={"filedata": (filename, content, mimetype)})

    async def set_profile(self, body: dict[str, Any]) -> None:
        """POST /me/messenger_profile: Get Started, greeting, persistent menu."""
        await self.post("/me/messenger_profile", body)

    async def post(
        self,
        path: str,
        body: dict[str, Any] | bytes,
        attempts: int = ATTEMPTS,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> None:
        """One call, retried with jittered backoff on rate limits, 5xx and network errors.

        `body`: the JSON fields (a dict, encoded here once for every attempt, or the JSON bytes
        themselves), or with `files` the form fields beside them.
        """
        await self.start()
        if files is None and not isinstance(body, bytes):
            body = encode_json(body)
        delay = self.backoff
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            wait = delay * random.uniform(0.8, 1.2)
            try:
                async with self._gate:
                    status, raw = await self._request(path, body, files)
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.metrics.platform_error(PLATFORM, "network")
                if last:
                    raise GraphError(Problem.RETRY, 0, None, None) from None
                logger.warning(
                    "Graph API %s failed (%s), attempt %d/%d, next try in %.1f s",
                    path,
                    one_line(exc),
                    attempt,
                    attempts,
                    wait,
                )
            else:
                if 200 <= status < 300:
                    return  # the ids Meta answers with are not used: not even parsed
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = None
                self.metrics.platform_error(PLATFORM, status)
                problem = classify(status, payload)
                error = payload.get("error", {}) if isinstance(payload, dict) else {}
                code = error.get("code") if isinstance(error, dict) else None
                subcode = error.get("error_subcode") if isinstance(error, dict) else None
                if problem is not Problem.RETRY or last:
                    raise GraphError(problem, status, code, subcode)
                logger.warning(
                    "Graph API %s failed (HTTP %s, code %s), attempt %d/%d, next try in %.1f s",
                    path,
                    status,
                    code,
                    attempt,
                    attempts,
                    wait,
                )
            await asyncio.sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")

    async def _request(
        self, path: str, body: dict[str, Any] | bytes, files: dict[str, tuple[str, bytes, str]] | None
    ) -> tuple[int, bytes]:
        """One POST: its status and raw body."""
        session = self._session
        if session is None:  # stopped while this call waited at the gate
            raise aiohttp.ClientConnectionError("Graph API client stopped")
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = URL(self.base_url.rstrip("/") + path)
        if isinstance(body, bytes):
            # The bytes as a payload with its type: aiohttp's json= would encode again, and a
            # Content-Type header would be merged into the session's headers on every call.
            payload = BytesPayload(body, content_type=JSON)
            request = session.post(url, data=payload, proxy=self._proxy)
        else:  # multipart: the other fields go as form fields beside the file (built anew per try)
            assert files is not None
            form = aiohttp.FormData()
            for name, value in body.items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            request = session.post(url, data=form, proxy=self._proxy)
        async with request as response:
            return response.status, await response.read()
