"""The database away while the bot runs (a full disk, PostgreSQL stopped): answers still go out."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot import texts
from bot.model import Conference
from bot.store import store as store_module
from bot.store.models import UnansweredQuestion
from bot.store.store import Store
from tests.fakes import updates
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import graph, running_messenger, text

__all__ = ["graph"]  # the fixture
from tests.handlers.telegram.conftest import parse_telegram_html, running_bot


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["read-only", "postgres-away"])
async def broken_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A store whose every write fails as in production: a read-only SQLite file, or no server."""
    if request.param == "read-only":
        store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
        await store.migrate()
        await store.close()
        store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")

        def read_only(connection: Any, _record: Any) -> None:
            # SQLITE_READONLY for real ("attempt to write a readonly database"), as with a file
            # the bot may not write; root would ignore a chmod
            cursor = connection.cursor()
            cursor.execute("PRAGMA query_only = ON")
            cursor.close()

        event.listen(store.engine.sync_engine, "connect", read_only)
        if store._worker is not None:  # the frequent statements' own engine (bot/store/worker.py)
            event.listen(store._worker.engine, "connect", read_only)
    else:
        store = Store.open(f"postgresql+asyncpg://bot:secret@127.0.0.1:{_closed_port()}/bot")
    try:
        yield store
    finally:
        await store.close()


async def test_telegram_answers_while_the_database_is_away(
    fake_api: FakeBotApi, conference: Conference, broken_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_bot(fake_api, conference, store=broken_store) as bot:
        for question in ("co jest teraz?", "zzz qwerty blablabla"):  # the second is unanswered: logged
            [answer] = await bot.say(updates.message(ALICE, question), ALICE)
            text = parse_telegram_html(answer.text)
            assert texts.ERROR not in text and text.strip()
    failures = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert failures and all(r.levelno == logging.WARNING and r.exc_info is None for r in failures)
    assert "Traceback" not in caplog.text


async def test_messenger_answers_while_the_database_is_away(
    graph: FakeGraphApi, conference: Conference, broken_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_messenger(graph, conference, store=broken_store) as bot:
        [answer] = await bot.say(text("2001", "co jest teraz?"))
        assert texts.ERROR not in answer.text and answer.text.strip()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_unanswered_questions_are_kept_within_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "UNANSWERED_KEPT", 30)
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    try:
        for i in range(45):  # one at a time
            await store.record_unanswered(f"pytanie {i}", datetime.now(UTC))
        for i in range(45, 95):  # written behind the answers, together
            store.note_unanswered(f"pytanie {i}", datetime.now(UTC))
        await store.flush()
        async with store.sessions() as db:
            kept = await db.scalar(select(func.count()).select_from(UnansweredQuestion))
            oldest = await db.scalar(select(func.min(UnansweredQuestion.text)))
        assert kept == 30  # the newest only
        assert oldest == "pytanie 65"
    finally:
        await store.close()
