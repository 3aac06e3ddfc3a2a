"""Which of several processes on one PostgreSQL runs the scheduler: whoever holds an advisory lock.

The lock is session-level, taken with `pg_try_advisory_lock` on a connection of its own that the
leader keeps open for as long as it leads. PostgreSQL releases it when that connection ends, so a
leader that dies (even by SIGKILL: the kernel closes its socket) frees it at once; the others try
again every few seconds, and one of them takes over well within ten. A leader that loses its
connection (the database restarted, the network away) stops its scheduler: it no longer holds the
lock, and someone else may. Two leaders for a moment (a partition the server has not noticed yet)
cost nothing but work: the delivery ledger never sends a reminder twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import URL, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from bot.backoff import Stopped, pause
from bot.logs import one_line
from scheduler.leadership import Leadership

logger = logging.getLogger(__name__)
LOCK_KEY = int.from_bytes(b"eventbot", "big")  # one bigint, the same in every process of this bot
RETRY = 2.5  # seconds between attempts to take the lock, and between checks that it is still held
CHECK_TIMEOUT = 5.0  # seconds a leader's check may take before it counts its connection as lost
CONNECT_TIMEOUT = 5  # seconds for the election's own connection


class Election:
    def __init__(
        self,
        url: URL | str,
        leadership: Leadership,
        won: Callable[[], None],
        lost: Callable[[], None],
        retry: float = RETRY,
    ) -> None:
        self.leadership = leadership
        self.won = won  # start the scheduler
        self.lost = lost  # stop it
        self.retry = retry
        # Not the store's pool: this connection is held for the whole term, outside any transaction
        # (autocommit), so it is never "idle in transaction" and never taken from the answers' pool.
        self.engine = create_async_engine(
            url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args={"timeout": CONNECT_TIMEOUT}
        )
        self._connection: AsyncConnection | None = None
        self._trouble: str | None = None  # the last failure logged, so an outage is one line, not many

    async def attempt(self) -> bool:
        """One round: take the lock if free (starting the scheduler), or check it is still held."""
        try:
            if self.leadership.held:
                await asyncio.wait_for(self._check(), CHECK_TIMEOUT)
            elif await self._take():
                self._win()
        except Exception as exc:  # the connection lost, refused, or too slow (TimeoutError)
            await self._fail(exc)
        else:
            if self._trouble is not None:
                logger.warning("scheduler election: database reachable again")
                self._trouble = None
        return self.leadership.held

    async def run(self, stop: asyncio.Event) -> None:
        """Attempt every `retry` seconds until `stop` is set."""
        with contextlib.suppress(Stopped):
            while not stop.is_set():
                await pause(self.retry, stop)
                await self.attempt()

    async def close(self) -> None:
        """Step down (the lock goes with the connection), so another process takes over at once."""
        if self.leadership.held:
            self._lose("this process is stopping")
        await self._disconnect()
        await self.engine.dispose()

    async def _take(self) -> bool:
        if self._connection is None:
            self._connection = await self.engine.connect()
        result = await self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})
        return bool(result.scalar_one())

    async def _check(self) -> None:
        assert self._connection is not None
        await self._connection.execute(text("SELECT 1"))

    def _win(self) -> None:
        self.leadership.held = True
        logger.warning("scheduler: this process runs the reminders now (it holds the database lock)")
        self.won()

    def _lose(self, why: str) -> None:
        self.leadership.held = False
        logger.warning("scheduler: this process no longer runs the reminders (%s)", why)
        self.lost()

    async def _fail(self, exc: BaseException) -> None:
        reason = one_line(exc) or type(exc).__name__
        if self.leadership.held:
            self._lose(f"its database connection failed: {reason}")
        elif reason != self._trouble:
            logger.warning("scheduler election: database not reachable (%s), trying again", reason)
        self._trouble = reason
        await self._disconnect()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), CHECK_TIMEOUT)
