"""Bookkeeping written behind the answers: "last seen" stamps and unanswered questions, in batches.

Every update used to write to the database before its answer went out (bench/bench_telegram.py
--with-store: a write cost more than understanding the question). Neither record is needed for
the answer, so they wait here and go to the database together a moment later, in one transaction
per kind. Reads that depend on them (statistics, the audience of an announcement, Messenger's
24-hour window at a reminder) flush first, so this process always reads what it wrote; another
process sees it at most `DELAY` later. A crash loses at most that last moment of bookkeeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

logger = logging.getLogger(__name__)

DELAY = 1.0  # seconds between the first pending record and its write
RETRY = 5.0  # seconds before trying again when the database is away
SEEN_KEPT = 100_000  # people whose stamps wait at most (one per person: bounded by who writes)
UNANSWERED_KEPT = 1_000  # questions that wait at most; beyond that the oldest go first

Key = tuple[str, str]  # (channel, chat id)
SeenWriter = Callable[[dict[Key, datetime]], Awaitable[None]]
UnansweredWriter = Callable[[Sequence[tuple[str, datetime]]], Awaitable[None]]


class PendingWrites:
    """Records waiting for their write; `flush` writes them now, `close` writes what is left."""

    def __init__(
        self,
        write_seen: SeenWriter,
        write_unanswered: UnansweredWriter,
        is_outage: Callable[[BaseException], bool],
        delay: float = DELAY,
    ) -> None:
        self._write_seen = write_seen
        self._write_unanswered = write_unanswered
        self._is_outage = is_outage
        self.delay = delay
        self._seen: dict[Key, datetime] = {}
        self._unanswered: list[tuple[str, datetime]] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def waiting(self) -> int:
        return len(self._seen) + len(self._unanswered)

    def seen(self, key: Key, at: datetime) -> None:
        self._seen[key] = at  # only the latest stamp of a person matters
        if len(self._seen) >= SEEN_KEPT:
            self._soon(0)
        self._soon(self.delay)

    def unanswered(self, text: str, at: datetime) -> None:
        self._unanswered.append((text, at))
        if len(self._unanswered) > UNANSWERED_KEPT:
            del self._unanswered[: len(self._unanswered) - UNANSWERED_KEPT]
        self._soon(self.delay)

    def drop(self, key: Key) -> None:
        """A person forgotten: their waiting stamp must not bring them back."""
        self._seen.pop(key, None)

    def _soon(self, delay: float) -> None:
        if self._timer is not None:
            if delay > 0:
                return
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        """Write everything waiting; with the database away it keeps waiting (one log line a try)."""
        if not self._seen and not self._unanswered:
            return
        async with self._lock:
            seen, self._seen = self._seen, {}
            unanswered, self._unanswered = self._unanswered, []
            try:
                if seen:
                    await self._write_seen(seen)
                    seen = {}
                if unanswered:
                    await self._write_unanswered(unanswered)
            except Exception as exc:
                if not self._is_outage(exc):
                    # A bug, not the weather: log it fully and drop the batch rather than retry forever.
                    lost = len(seen) + len(unanswered)
                    logger.exception("bookkeeping: %d records could not be written", lost)
                    return
                logger.warning(
                    "bookkeeping: %d records wait for the database (%s)",
                    len(seen) + len(unanswered),
                    type(exc).__name__,
                )
                # Put them back under anything newer, and try again later.
                self._seen = {**seen, **self._seen}
                self._unanswered = (unanswered + self._unanswered)[-UNANSWERED_KEPT:]
                if self._timer is None:
                    self._timer = asyncio.get_running_loop().call_later(RETRY, self._start)

    async def close(self) -> None:
        """Write what waits (once), and stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for task in list(self._tasks):
            with contextlib.suppress(Exception):
                await task
        with contextlib.suppress(Exception):
            await self.flush()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.waiting:
            logger.warning("bookkeeping: %d records not written (the database is away)", self.waiting)
