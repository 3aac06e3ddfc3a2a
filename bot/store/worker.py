"""SQLite's frequent statements on a thread of their own, each whole operation in one hop.

Through SQLAlchemy's asyncio layer and aiosqlite, every DBAPI call (a cursor, an execute, a
fetch, the commit, the pool's rollback on return) is a round trip to aiosqlite's thread and back
to the event loop: a person's first contact (one INSERT … RETURNING in a transaction) cost 2.4 ms
of CPU on this machine with ORM statements, 1.7 ms with the statements built once, and 0.55 ms as
here: the same Core statements on a synchronous engine, the whole operation handed to one worker
thread at once (bench/bench_store.py). Values go through the same SQLite dialect, so dates are
stored and read exactly as the asyncio engine stores and reads them.

Only the statements that run for many updates come here (bot/store/store.py: first contacts,
stamps, unanswered questions, plans and reminder settings); the rest stay on the asyncio engine.
Both open the same file: SQLite's own locking (WAL, busy_timeout) keeps them apart, and in one
process the store's write lock queues their writes in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL

T = TypeVar("T")


class SqliteWorker:
    """A synchronous engine on `url`'s file, used from one thread only."""

    def __init__(self, url: URL, on_connect: Callable[[Any, Any], None]) -> None:
        self.engine = create_engine(url.set(drivername="sqlite"), pool_size=1, max_overflow=0)
        event.listen(self.engine, "connect", on_connect)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")

    @staticmethod
    def usable(url: URL) -> bool:
        """A file: an in-memory database would be another, empty one on a second engine."""
        return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")

    async def write(self, work: Callable[[Connection], T]) -> T:
        """`work` in a transaction, committed when it returns."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._write, work)

    async def read(self, work: Callable[[Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._read, work)

    def _write(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as connection:
            return work(connection)

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self.engine.connect() as connection:
            return work(connection)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=True)
