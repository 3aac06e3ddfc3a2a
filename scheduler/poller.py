"""A live programme: the source URL polled every few minutes, a change applied as a reload.

The poll runs on real time, not the conference clock (the export changes when organisers edit
it). An unchanged export is a 304 and nothing more; a changed one goes to `apply`, which reloads
the programme and sends the change notices; a failed download or an invalid export keeps the
programme as it is, is logged once (not every few minutes while it lasts), and is shown to
organisers in /statystyki until a poll succeeds again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bot.document import DEFAULT_MAX_BYTES
from bot.fetch import MAX_REDIRECTS, Fetched, FetchError, fetch
from bot.metrics import Metrics

logger = logging.getLogger(__name__)
DEFAULT_MINUTES = 5.0

# `apply` gets the new export and returns None when it took over, else why it was refused.
Apply = Callable[[bytes], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class PollStatus:
    """What /statystyki says about the live programme."""

    url: str
    checked_at: datetime | None = None  # last poll that got an answer (changed or not)
    changed_at: datetime | None = None  # last time a new export took over
    problem: str | None = None  # why the last poll did not take over, until one does


class Poller:
    def __init__(
        self,
        url: str,
        apply: Apply,
        minutes: float = DEFAULT_MINUTES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        known: Fetched | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.url = url
        self.metrics = metrics or Metrics()
        self.apply = apply
        self.interval = minutes * 60
        self.max_bytes = max_bytes
        self._last = known  # the export the running programme came from (its ETag), if known
        self.status = PollStatus(url)
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    async def poll(self) -> bool:
        """One poll; True when a new programme took over."""
        now = datetime.now(UTC)
        if self._client is None:
            self._client = httpx.AsyncClient(max_redirects=MAX_REDIRECTS)
        try:
            fetched = await fetch(self._client, self.url, self._last, self.max_bytes)
        except FetchError as exc:
            self._trouble(str(exc))
            return False
        self.status = PollStatus(self.url, now, self.status.changed_at, self.status.problem)
        if not fetched.changed:
            self.metrics.source_polls.labels("unchanged").inc()
            return False
        assert fetched.body is not None
        refused = await self.apply(fetched.body)
        if refused is not None:
            self._trouble(f"{self.url}: nowa wersja programu odrzucona — {refused}")
            # Not remembered: the same broken export is refused again, not taken as current.
            return False
        self._last = fetched
        if self.status.problem is not None:
            logger.warning("programme source %s works again", self.url)
        self.status = PollStatus(self.url, now, now, None)
        self.metrics.source_polls.labels("changed").inc()
        logger.info("programme source %s changed: programme reloaded", self.url)
        return True

    def _trouble(self, problem: str) -> None:
        self.metrics.source_polls.labels("failed").inc()
        if problem != self.status.problem:  # once per kind of trouble, not every poll
            logger.warning("programme source: %s (the current programme stays)", problem)
        self.status = PollStatus(self.url, self.status.checked_at, self.status.changed_at, problem)

    def start(self) -> None:
        """Poll every `interval` seconds in the background until `stop`."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(self.interval)
                try:
                    await self.poll()
                except Exception as exc:  # a bug in applying must not end the polling for good
                    logger.error("programme poll failed: %s", type(exc).__name__, exc_info=exc)

        self._task = asyncio.create_task(loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client is not None:
            await self._client.aclose()
