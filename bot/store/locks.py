"""Locks between processes: one person's messages handled one at a time on PostgreSQL, and one
process only on a SQLite file."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from sqlalchemy import URL, text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.store import database_outage

logger = logging.getLogger(__name__)
# Advisory locks keyed by two int4s live apart from those keyed by one bigint (the scheduler's
# election), so the first int names what is locked.
PERSON_NAMESPACE = 0x4D534752  # "MSGR"
# Connections that may hold a person's lock at once (a pool of their own: a lock holder never
# waits for a connection the answers need, so the two cannot starve each other). More people
# answered at once queue for a connection, in order.
LOCK_CONNECTIONS = 10
LOCK_WAIT = 60.0  # seconds to wait for a free lock connection before answering without the lock


def person_key(channel: str, person: str) -> int:
    """A stable int4 for a person (the same in every process, unlike `hash`)."""
    digest = hashlib.blake2b(f"{channel}:{person}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


class PersonLocks:
    """A transaction-scoped advisory lock per person while their message is handled, so several
    processes answer one person's messages one at a time, in the order they took them.

    With the database away the message is answered without the lock (one log line): order between
    processes is worth less than an answer.
    """

    def __init__(self, url: URL | str, connections: int = LOCK_CONNECTIONS) -> None:
        self.engine = create_async_engine(
            url,
            pool_size=connections,
            max_overflow=0,
            pool_timeout=LOCK_WAIT,
            pool_pre_ping=True,
            connect_args={"timeout": 10},
        )

    @contextlib.asynccontextmanager
    async def held(self, channel: str, person: str) -> AsyncIterator[None]:
        """Hold this person's lock for the body (released when its transaction ends)."""
        async with contextlib.AsyncExitStack() as stack:
            try:
                connection = await stack.enter_async_context(self.engine.connect())
                await stack.enter_async_context(connection.begin())
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:space, :key)"),
                    {"space": PERSON_NAMESPACE, "key": person_key(channel, person)},
                )
            except Exception as exc:
                if not (database_outage(exc) or isinstance(exc, PoolTimeout | TimeoutError)):
                    raise
                logger.warning("%s: answered without the per-person lock (%s)", channel, type(exc).__name__)
                await stack.aclose()
            yield

    async def close(self) -> None:
        await self.engine.dispose()


class DatabaseInUse(Exception):
    """Another process already runs on this SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"plik bazy {path} jest już używany przez inny proces bota; SQLite obsługuje jeden proces — "
            f"zatrzymaj tamten albo użyj PostgreSQL (DATABASE_URL) dla kilku procesów "
            f"(the SQLite database {path} is already in use by another bot process)"
        )


class SqliteFileLock:
    """An OS lock (flock) on `<database>.lock`, held for the process's life: a second `run` on
    the same SQLite file is refused at start, where two would each fire every reminder and race
    for the one writer. The OS drops the lock with the process, however it ends."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    @classmethod
    def for_url(cls, url: URL) -> SqliteFileLock | None:
        """The lock for a SQLite file database; None for PostgreSQL or an in-memory database."""
        database = url.database
        if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
            return None
        if database.startswith("file:"):  # a URI: its own options, possibly in memory
            return None
        return cls(Path(database).resolve())

    def acquire(self) -> None:
        """Take the lock, or raise `DatabaseInUse` naming the file; no waiting."""
        try:
            handle = self.path.open("a+")
        except OSError as exc:
            # A folder that is missing or read-only: opening the database fails right after and
            # names DATABASE_URL; the lock must not hide that behind an error of its own.
            logger.warning("SQLite lock file %s cannot be created (%s)", self.path, exc.strerror)
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DatabaseInUse(self.database) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # who holds it, for an operator who wonders
        handle.flush()
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
