"""Waiting for something that is not there yet (Telegram, the database): backoff and a way out."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

FIRST_DELAY = 1.0  # seconds before the second attempt
MAX_DELAY = 60.0  # a service retries for ever, but never waits longer than this between tries


class Stopped(Exception):
    """Ctrl+C or SIGTERM came while waiting: give up quietly, it is not a failure."""


class Backoff:
    """Delays that double from `first` up to `cap`, each jittered by ±`jitter` (as a fraction) so
    that many processes restarted together do not retry in step."""

    def __init__(self, first: float = FIRST_DELAY, cap: float = MAX_DELAY, jitter: float = 0.2) -> None:
        self.first = first
        self.cap = cap
        self.jitter = jitter
        self.attempts = 0  # failed attempts so far

    def next_delay(self) -> float:
        """Count a failed attempt and say how long to wait before the next one."""
        self.attempts += 1
        base = min(self.first * 2.0 ** (self.attempts - 1), self.cap)
        return base * random.uniform(1 - self.jitter, 1 + self.jitter)


async def unless_stopped(awaitable: Awaitable[T], stop: asyncio.Event | None) -> T:
    """Await `awaitable`, unless `stop` is set first: then cancel it and raise `Stopped`."""
    if stop is None:
        return await awaitable
    if stop.is_set():
        if asyncio.iscoroutine(awaitable):
            awaitable.close()  # never started: no "was never awaited" warning
        raise Stopped
    work = asyncio.ensure_future(awaitable)
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        raise
    finally:
        stopping.cancel()
    if work.done():
        return work.result()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await work  # let it clean up (close a half-open connection) before we go on
    raise Stopped


async def pause(seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep, but end at once (raising `Stopped`) when `stop` is set."""
    await unless_stopped(asyncio.sleep(seconds), stop)
