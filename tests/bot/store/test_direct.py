"""PostgreSQL's per-update statements on their own asyncpg pool: claims batched, errors as before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.store.direct import DirectQueries
from bot.store.store import Store, database_outage
from tests.fakes.telegram_api import free_port

T0 = datetime(2023, 11, 29, 14, 0, tzinfo=UTC)


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[Store]:
    store = Store.open(postgres_url)
    await store.migrate()
    try:
        yield store
    finally:
        async with store.engine.begin() as connection:
            await connection.execute(text("TRUNCATE handled_updates, users RESTART IDENTITY CASCADE"))
        await store.close()


async def test_claims_at_once_go_together_and_each_update_is_won_once(postgres: Store) -> None:
    direct = DirectQueries(postgres.engine)
    try:
        keys = [f"u{i % 5}" for i in range(40)]  # five updates, each delivered eight times at once
        results = await asyncio.gather(*(direct.claim_update("telegram", k, T0) for k in keys))
        won = [k for k, result in zip(keys, results, strict=True) if result]
        assert sorted(won) == ["u0", "u1", "u2", "u3", "u4"]
        assert not await direct.claim_update("telegram", "u0", T0)
        assert await direct.claim_update("messenger", "u0", T0)  # another channel's ids
    finally:
        await direct.close()


async def test_two_pools_racing_for_one_update_let_one_win(postgres: Store) -> None:
    first, second = DirectQueries(postgres.engine), DirectQueries(postgres.engine)
    try:
        results = await asyncio.gather(
            *((first if i % 2 else second).claim_update("telegram", "same", T0) for i in range(20))
        )
        assert sorted(results) == [False] * 19 + [True]
    finally:
        await first.close()
        await second.close()


async def test_a_person_and_their_settings_are_read_without_sqlalchemy(postgres: Store) -> None:
    from bot.store.store import Preferences

    direct = DirectQueries(postgres.engine)
    try:
        assert await direct.person("telegram", "5") is None
        person = await postgres.touch("telegram", "5", T0)
        assert await direct.person("telegram", "5") == (person.id, None, T0)
        assert await direct.preferences(person.id) is None
        await postgres.save_preferences(person.id, Preferences(True, 15, 30), T0)
        assert await direct.preferences(person.id) == (True, 15, 30, "all")
    finally:
        await direct.close()


async def test_with_the_server_away_every_waiting_claim_gets_an_outage_error() -> None:
    away = Store.open(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/bot")
    direct = DirectQueries(away.engine)
    try:
        results = await asyncio.gather(
            *(direct.claim_update("telegram", str(i), T0) for i in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, Exception) and database_outage(r) for r in results)
    finally:
        await direct.close()
        await away.close()
