"""SQLite's frequent statements on their own thread (bot/store/worker.py), beside the asyncio engine."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.engine import make_url

from bot.store.models import User
from bot.store.store import Preferences, Store
from bot.store.worker import SqliteWorker

T0 = datetime(2023, 11, 29, 14, 0, 30, 123456, tzinfo=UTC)


def test_only_a_file_gets_a_worker() -> None:
    assert SqliteWorker.usable(make_url("sqlite+aiosqlite:////tmp/bot.db"))
    assert not SqliteWorker.usable(make_url("sqlite+aiosqlite://"))
    assert not SqliteWorker.usable(make_url("sqlite+aiosqlite:///:memory:"))
    assert not SqliteWorker.usable(make_url("postgresql+asyncpg://bot@127.0.0.1/bot"))


async def test_both_engines_see_each_others_writes_with_dates_intact(tmp_path: Path) -> None:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    try:
        assert store._worker is not None
        person = await store.touch("telegram", "1", T0)  # on the worker
        found = await store.find("telegram", "1")  # through the asyncio engine's ORM session
        assert found is not None and found.id == person.id and found.last_seen == T0
        await store.save_preferences(person.id, Preferences(lead_minutes=10), T0)
        store._preferences.clear()
        assert (await store.preferences(person.id)).lead_minutes == 10
        await store.add_to_plan(person.id, "s1", T0)  # through the asyncio engine
        assert await store.plan(person.id) == {"s1"}  # read on the worker (the cache was dropped)
    finally:
        await store.close()


async def test_work_runs_on_one_thread_and_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    worker = store._worker
    assert worker is not None
    threads = set()

    def half_done(db: Connection) -> None:
        threads.add(threading.get_ident())
        db.execute(insert(User).values(channel="telegram", chat_id="2", created_at=T0, last_seen_at=T0))
        raise RuntimeError("after the first statement")

    def count(db: Connection) -> int:
        threads.add(threading.get_ident())
        return int(db.scalar(select(func.count()).select_from(User)) or 0)

    try:
        with pytest.raises(RuntimeError):
            await worker.write(half_done)
        assert await worker.read(count) == 0
        assert len(threads) == 1 and threading.get_ident() not in threads
    finally:
        await store.close()


async def test_an_in_memory_database_keeps_everything_on_its_one_engine() -> None:
    store = Store.open("sqlite+aiosqlite://")
    await store.migrate()
    try:
        assert store._worker is None
        person = await store.touch("telegram", "3", T0)
        await store.save_preferences(person.id, Preferences(reminders=False), T0)
        store._preferences.clear()
        assert (await store.preferences(person.id)).reminders is False
        assert await store.in_plan("telegram", "3", "s1", T0) is False
    finally:
        await store.close()
