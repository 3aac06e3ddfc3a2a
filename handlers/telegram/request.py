"""HTTP to the Bot API that rides out network trouble: retries timeouts, 5xx and 429."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.logs import one_line
from bot.metrics import Metrics

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BASE_DELAY = 0.5  # seconds before the first retry; doubled each time, with jitter
MAX_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer flood wait is passed on to the caller as RetryAfter
# getUpdates has its own retry loop in PTB's Updater (with backoff and retry_after); retrying
# inside it too would only stretch a long poll that the updater may already be stopping.
_NOT_RETRIED = frozenset({"getUpdates"})
PLATFORM = "telegram"  # the label of its errors in the metrics

Sleep = Callable[[float], Awaitable[None]]


def _json_error(status: int, payload: bytes) -> bytes:
    """An error's body as PTB expects it. A proxy in front of the Bot API answers an outage with
    an HTML page, and PTB would log that page with a traceback at ERROR before raising."""
    if 200 <= status < 300:
        return payload
    try:
        json.loads(payload)
    except ValueError:
        description = f"HTTP {status} (not a Bot API answer)"
        return json.dumps({"ok": False, "error_code": status, "description": description}).encode()
    return payload


def _retry_after(payload: bytes) -> float | None:
    try:
        data = json.loads(payload)
        value = data["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


class RetryingRequest(BaseRequest):
    """Bounded retries over any PTB transport, so a reply survives a blip at Telegram.

    Timeouts and network errors, 5xx and 429 are retried up to `MAX_ATTEMPTS` times; a 429
    waits the `retry_after` Telegram asks for. Other errors (400, 403, …) are returned at once
    for PTB to raise as usual. Note that a send that timed out may have been delivered, so a
    retry can rarely duplicate a message; losing the answer would be worse.
    """

    def __init__(
        self,
        transport: BaseRequest,
        sleep: Sleep = asyncio.sleep,
        flood_waits: bool = True,
        metrics: Metrics | None = None,
    ) -> None:
        self.transport = transport
        self.metrics = metrics or Metrics()
        self._sleep = sleep
        # False: a 429 goes straight back (PTB raises RetryAfter) for the caller to wait out.
        self.flood_waits = flood_waits
        # Attempts per call. Start-up sets 1 for a while: it retries with its own, longer backoff
        # (handlers/telegram/startup.py) and logs one line per try, not five.
        self.attempts = MAX_ATTEMPTS

    @property
    def read_timeout(self) -> float | None:
        return self.transport.read_timeout

    async def initialize(self) -> None:
        await self.transport.initialize()

    async def shutdown(self) -> None:
        await self.transport.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        attempts = 1 if api_method in _NOT_RETRIED else self.attempts
        delay = BASE_DELAY
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            wait = min(delay, MAX_DELAY) * random.uniform(0.8, 1.2)
            try:
                status, payload = await self.transport.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
                )
            except (TimedOut, NetworkError) as exc:
                self.metrics.platform_error(PLATFORM, "network")
                if last:
                    raise
                logger.warning(
                    "Telegram %s failed (%s), attempt %d/%d, next try in %.1f s",
                    api_method,
                    one_line(exc),
                    attempt,
                    attempts,
                    wait,
                )
            else:
                if status >= 400:
                    self.metrics.platform_error(PLATFORM, status)
                if status == 429:
                    flood = _retry_after(payload)
                    if last or flood is None or flood > MAX_RETRY_AFTER or not self.flood_waits:
                        return status, payload
                    logger.warning("Telegram %s: 429, waiting %.0f s (retry_after)", api_method, flood)
                    await self._sleep(flood)
                    continue
                if status < 500 or last:
                    return status, _json_error(status, payload)
                logger.warning(
                    "Telegram %s failed (HTTP %d), attempt %d/%d, next try in %.1f s",
                    api_method,
                    status,
                    attempt,
                    attempts,
                    wait,
                )
            await self._sleep(wait)
            delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")
