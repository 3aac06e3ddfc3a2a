"""Bookkeeping written behind the answers: batched, kept through an outage, bounded."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import pending as pending_module
from bot.store.pending import Key, PendingWrites
from bot.store.store import database_outage

T0 = datetime(2023, 11, 29, 14, 0, tzinfo=UTC)


class Database:
    def __init__(self) -> None:
        self.away = False
        self.stamps: list[dict[Key, datetime]] = []
        self.questions: list[list[str]] = []

    async def write_seen(self, stamps: dict[Key, datetime]) -> None:
        if self.away:
            raise ConnectionRefusedError("connection refused")
        self.stamps.append(dict(stamps))

    async def write_unanswered(self, questions: Sequence[tuple[str, datetime]]) -> None:
        if self.away:
            raise ConnectionRefusedError("connection refused")
        self.questions.append([text for text, _ in questions])


def pending_for(database: Database, delay: float = 0.02) -> PendingWrites:
    return PendingWrites(database.write_seen, database.write_unanswered, database_outage, delay=delay)


async def test_records_go_together_in_one_write_a_moment_later() -> None:
    database = Database()
    pending = pending_for(database)
    pending.seen(("telegram", "1"), T0)
    pending.seen(("telegram", "1"), T0 + timedelta(seconds=5))  # only the latest stamp matters
    pending.seen(("messenger", "2"), T0)
    pending.unanswered("a", T0)
    pending.unanswered("b", T0)
    assert database.stamps == [] and pending.waiting == 4
    await asyncio.sleep(0.2)
    assert database.stamps == [{("telegram", "1"): T0 + timedelta(seconds=5), ("messenger", "2"): T0}]
    assert database.questions == [["a", "b"]]
    assert pending.waiting == 0
    await pending.close()


async def test_with_the_database_away_records_wait_and_go_when_it_is_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pending_module, "RETRY", 0.05)
    database = Database()
    database.away = True
    pending = pending_for(database)
    pending.seen(("telegram", "1"), T0)
    pending.unanswered("a", T0)
    await asyncio.sleep(0.1)
    assert pending.waiting == 2 and "wait for the database" in caplog.text
    pending.seen(("telegram", "1"), T0 + timedelta(minutes=1))  # newer than the one put back
    database.away = False
    await asyncio.sleep(0.3)
    assert database.stamps == [{("telegram", "1"): T0 + timedelta(minutes=1)}]
    assert database.questions == [["a"]]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await pending.close()


async def test_waiting_questions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pending_module, "UNANSWERED_KEPT", 3)
    database = Database()
    pending = pending_for(database, delay=60)
    for i in range(10):
        pending.unanswered(str(i), T0)
    await pending.close()
    assert database.questions == [["7", "8", "9"]]


async def test_a_forgotten_persons_stamp_is_dropped() -> None:
    database = Database()
    pending = pending_for(database, delay=60)
    pending.seen(("telegram", "1"), T0)
    pending.seen(("telegram", "2"), T0)
    pending.drop(("telegram", "1"))
    await pending.close()
    assert database.stamps == [{("telegram", "2"): T0}]


async def test_closing_with_the_database_away_says_what_was_not_written(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = Database()
    database.away = True
    pending = pending_for(database, delay=60)
    pending.unanswered("a", T0)
    await pending.close()
    assert "1 records not written" in caplog.text
