"""The Graph API as the bot uses it: the Send API and the Messenger Profile API, over httpx.

Errors are sorted into what to do about them: a rate limit or a server hiccup is retried with
backoff; a person who can no longer be reached is "gone"; a message outside the 24-hour window
is "outside the window". The page token travels in the `Authorization: Bearer` header, which the
Graph API accepts like the `access_token` parameter: a URL is logged by httpx and shown in its
exceptions, a header never is.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from bot.logs import one_line
from bot.metrics import Metrics

logger = logging.getLogger(__name__)

ATTEMPTS = 5
BACKOFF = 0.5  # seconds before the second attempt; doubled each time, with jitter
# No pool timeout: in a burst, answers wait their turn for a connection rather than fail.
TIMEOUT = httpx.Timeout(10.0, connect=5.0, pool=None)
# Graph API error codes (developers.facebook.com/docs/messenger-platform/error-codes).
_RETRY_CODES = frozenset({1, 2, 4, 17, 32, 613, 1200})  # temporary failures and rate limits
_GONE_CODES = frozenset({551})  # "This person isn't available right now"
_GONE_SUBCODES = frozenset({2018001})  # "No matching user found"
_WINDOW_SUBCODES = frozenset({2018065, 2018278})  # "sent outside of allowed window"
PLATFORM = "messenger"  # the label of its errors in the metrics


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
        self._client: httpx.AsyncClient | None = None
        # Requests wait here, not in httpcore's pool: httpcore scans every waiter on each
        # request, so a burst of queued answers made each send slower (bench/bench_messenger.py).
        self._gate = asyncio.Semaphore(self.connections)

    async def start(self) -> None:
        if self._client is None:
            size = self.connections
            limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=TIMEOUT,
                limits=limits,
                headers={"Authorization": f"Bearer {self.page_token}"},
            )

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /me/messages: a message or a sender action."""
        return await self.post("/me/messages", body)

    async def send_file(self, psid: str, filename: str, content: bytes, mimetype: str) -> dict[str, Any]:
        """POST /me/messages as multipart: a file attachment uploaded with the message."""
        fields = {
            "recipient": json.dumps({"id": psid}),
            "messaging_type": "RESPONSE",
            "message": json.dumps({"attachment": {"type": "file", "payload": {"is_reusable": False}}}),
        }
        return await self.post("/me/messages", fields, files={"filedata": (filename, content, mimetype)})

    async def set_profile(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /me/messenger_profile: Get Started, greeting, persistent menu."""
        return await self.post("/me/messenger_profile", body)

    async def post(
        self,
        path: str,
        body: dict[str, Any],
        attempts: int = ATTEMPTS,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """One call, retried with jittered backoff on rate limits, 5xx and network errors."""
        await self.start()
        assert self._client is not None
        delay = self.backoff
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            wait = delay * random.uniform(0.8, 1.2)
            try:
                async with self._gate:
                    if files is None:
                        response = await self._client.post(path, json=body)
                    else:  # multipart: the other fields go as form fields beside the file
                        response = await self._client.post(path, data=body, files=files)
            except httpx.HTTPError as exc:
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
                try:
                    payload = response.json()
                except ValueError:
                    payload = None
                if response.is_success:
                    return payload if isinstance(payload, dict) else {}
                self.metrics.platform_error(PLATFORM, response.status_code)
                problem = classify(response.status_code, payload)
                error = payload.get("error", {}) if isinstance(payload, dict) else {}
                code = error.get("code") if isinstance(error, dict) else None
                subcode = error.get("error_subcode") if isinstance(error, dict) else None
                if problem is not Problem.RETRY or last:
                    raise GraphError(problem, response.status_code, code, subcode)
                logger.warning(
                    "Graph API %s failed (HTTP %s, code %s), attempt %d/%d, next try in %.1f s",
                    path,
                    response.status_code,
                    code,
                    attempt,
                    attempts,
                    wait,
                )
            await asyncio.sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")
