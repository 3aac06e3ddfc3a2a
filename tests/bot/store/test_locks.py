"""Locks between processes: a person's lock on a real PostgreSQL, and one process per SQLite file."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.locks import DatabaseInUse, PersonLocks, SqliteFileLock, person_key
from bot.store.migrate import current_revision, head_revision
from bot.store.store import Store
from tests.fakes.telegram_api import free_port


async def test_one_persons_lock_is_held_by_one_process_at_a_time(postgres_url: str) -> None:
    """Two processes' pools: the second waits for the first with the same person, not with another."""
    first, second = PersonLocks(postgres_url, connections=2), PersonLocks(postgres_url, connections=2)
    order: list[str] = []

    async def handle(locks: PersonLocks, person: str, name: str, seconds: float) -> None:
        async with locks.held("messenger", person):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    try:
        earlier = asyncio.create_task(handle(first, "7001", "first", 0.3))
        await asyncio.sleep(0.1)  # the first has the lock
        later = asyncio.create_task(handle(second, "7001", "second", 0))
        other = asyncio.create_task(handle(second, "7002", "other", 0))
        await asyncio.gather(earlier, later, other)
    finally:
        await first.close()
        await second.close()
    assert order.index("other out") < order.index("first out")  # another person is not held up
    assert order.index("first out") < order.index("second in")  # the same person waits


async def test_a_persons_lock_is_released_when_the_handling_fails(postgres_url: str) -> None:
    locks = PersonLocks(postgres_url, connections=1)
    try:
        with pytest.raises(RuntimeError):
            async with locks.held("messenger", "7001"):
                raise RuntimeError("the answer failed")
        async with asyncio.timeout(5), locks.held("messenger", "7001"):
            pass
    finally:
        await locks.close()


async def test_with_the_database_away_the_person_is_answered_without_the_lock(
    caplog: pytest.LogCaptureFixture,
) -> None:
    locks = PersonLocks(f"postgresql+asyncpg://x@127.0.0.1:{free_port()}/x")
    entered = False
    try:
        with caplog.at_level(logging.WARNING):
            async with locks.held("messenger", "7001"):
                entered = True
    finally:
        await locks.close()
    assert entered and "without the per-person lock" in caplog.text


def test_person_keys_are_stable_int4s() -> None:
    assert person_key("messenger", "7001") == person_key("messenger", "7001")
    assert person_key("messenger", "7001") != person_key("messenger", "7002")
    assert all(-(2**31) <= person_key("messenger", str(n)) < 2**31 for n in range(1000))


def test_a_sqlite_file_is_one_process_s(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    lock = SqliteFileLock.for_url(make_url(f"sqlite+aiosqlite:///{database}"))
    assert lock is not None and lock.path == tmp_path / "bot.db.lock"
    lock.acquire()
    try:
        again = SqliteFileLock(database)  # another open of the same file: as another process would
        with pytest.raises(DatabaseInUse) as refused:
            again.acquire()
        assert str(database) in str(refused.value) and "już używany" in str(refused.value)
        # Another process is refused as well (flock is per open file, across processes).
        probe = (
            "import fcntl, sys; f = open(sys.argv[1], 'a');"
            "fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)"
        )
        other = subprocess.run([sys.executable, "-c", probe, str(lock.path)], capture_output=True, text=True)
        assert other.returncode != 0 and "BlockingIOError" in other.stderr
    finally:
        lock.release()
    again.acquire()  # free once released (or once its process has ended)
    again.release()


def test_a_folder_that_is_not_there_is_left_to_the_database_to_report(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lock = SqliteFileLock(tmp_path / "missing" / "bot.db")
    with caplog.at_level(logging.WARNING):
        lock.acquire()
    lock.release()
    assert "cannot be created" in caplog.text and not (tmp_path / "missing").exists()


def test_no_file_lock_for_postgresql_or_an_in_memory_database() -> None:
    assert SqliteFileLock.for_url(make_url("postgresql+asyncpg://u@h/db")) is None
    assert SqliteFileLock.for_url(make_url("sqlite+aiosqlite://")) is None
    assert SqliteFileLock.for_url(make_url("sqlite+aiosqlite:///:memory:")) is None


def test_a_relative_sqlite_path_is_locked_where_it_resolves(tmp_path: Path) -> None:
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        lock = SqliteFileLock.for_url(make_url("sqlite+aiosqlite:///bot.db"))
    finally:
        os.chdir(here)
    assert lock is not None and lock.path == tmp_path / "bot.db.lock"


async def test_processes_starting_together_on_a_fresh_postgresql_migrate_one_after_another(
    postgres_url: str,
) -> None:
    """Compose starts both bots at once on an empty database: both must come up, not one fail."""
    admin = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    url = make_url(postgres_url).set(database="migrate_race")
    try:
        async with admin.connect() as db:
            await db.execute(text("DROP DATABASE IF EXISTS migrate_race"))
            await db.execute(text("CREATE DATABASE migrate_race"))
        stores = [Store.open(url.render_as_string(hide_password=False)) for _ in range(3)]
        try:
            async with asyncio.timeout(30):  # unserialised, they can wait for each other for ever
                await asyncio.gather(*(store.migrate() for store in stores))
            assert {await current_revision(store.engine) for store in stores} == {head_revision()}
        finally:
            for store in stores:
                await store.close()
        async with admin.connect() as db:
            await db.execute(text("DROP DATABASE migrate_race"))
    finally:
        await admin.dispose()
