"""The scheduler's leader among processes on one real PostgreSQL: one at a time, taken over when it
dies, stepped down when its connection is lost; and a leader's reminders fire what fell due."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.clock import SimulatedClock, parse_now
from bot.model import Conference
from bot.store.store import Preferences, Store
from scheduler.election import LOCK_KEY, Election
from scheduler.leadership import Leadership
from scheduler.reminders import Reminders
from tests.scheduler.test_reminders import Recorder, fast_limiter

QUICK = 0.05  # seconds between attempts in these tests


@dataclass
class Candidate:
    """One process's side of the election, with what its callbacks were asked to do."""

    election: Election
    leadership: Leadership
    terms: list[str] = field(default_factory=list)

    @property
    def leads(self) -> bool:
        return self.leadership.held


@pytest.fixture
async def candidates(postgres_url: str) -> AsyncIterator[list[Candidate]]:
    made: list[Candidate] = []
    for _ in range(3):
        leadership = Leadership()
        terms: list[str] = []
        election = Election(
            postgres_url, leadership, lambda t=terms: t.append("won"), lambda t=terms: t.append("lost"), QUICK
        )
        made.append(Candidate(election, leadership, terms))
    yield made
    for candidate in made:
        await candidate.election.close()


async def _terminate_leader(url: str) -> int:
    """Kill the leader's server session, as the server does when the leader's process dies."""
    store = Store.open(url)
    try:
        async with store.engine.begin() as db:
            killed = await db.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": LOCK_KEY},
            )
    finally:
        await store.close()
    return int(killed or 0)


async def test_one_leader_at_a_time_and_the_next_takes_over_when_it_steps_down(
    candidates: list[Candidate],
) -> None:
    first, second, third = candidates
    assert await first.election.attempt()
    assert not await second.election.attempt() and not await third.election.attempt()
    assert await first.election.attempt()  # still held: a check, not a second lock
    assert first.terms == ["won"] and second.terms == third.terms == []
    await first.election.close()
    assert first.terms == ["won", "lost"] and not first.leads
    assert await second.election.attempt()
    assert not await third.election.attempt()
    assert [c.leads for c in candidates] == [False, True, False]


async def test_a_leader_that_dies_is_replaced_within_seconds_and_learns_it_lost(
    candidates: list[Candidate], postgres_url: str
) -> None:
    first, second, _ = candidates
    assert await first.election.attempt()
    stop = asyncio.Event()
    waiting = asyncio.create_task(second.election.run(stop))
    try:
        await asyncio.sleep(3 * QUICK)
        assert not second.leads
        assert await _terminate_leader(postgres_url) == 1
        started = asyncio.get_running_loop().time()
        while not second.leads:
            assert asyncio.get_running_loop().time() - started < 10, "nobody took over"
            await asyncio.sleep(0.01)
        # The old leader finds its connection gone at its next check, and stops its scheduler.
        assert not await first.election.attempt()
        assert first.terms == ["won", "lost"] and second.terms == ["won"]
        assert not await first.election.attempt()  # and does not get the lock back meanwhile
    finally:
        stop.set()
        await waiting


async def test_an_unreachable_database_is_one_log_line_and_no_leadership(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.fakes.telegram_api import free_port

    leadership = Leadership()
    election = Election(f"postgresql+asyncpg://x@127.0.0.1:{free_port()}/x", leadership, list, list, QUICK)
    try:
        with caplog.at_level(logging.WARNING, logger="scheduler.election"):
            for _ in range(3):
                assert not await election.attempt()
    finally:
        await election.close()
    assert len(caplog.records) == 1 and "not reachable" in caplog.records[0].getMessage()
    assert not leadership.held


async def test_a_new_leader_fires_what_fell_due_while_nobody_led(
    store: Store, conference: Conference
) -> None:
    """Stopped (its lock lost) and started again: a fresh term, its jobs rebuilt, and a reminder
    that fell due meanwhile (within its grace time) sent at once, once."""
    clock = SimulatedClock(parse_now("2023-11-29 14:44:59", conference.tz), speed=1)
    recorder = Recorder()
    reminders = Reminders(store, recorder, lambda: conference, clock, fast_limiter())
    now = datetime.now(UTC)
    person = await store.touch("telegram", "1", now)
    await store.save_preferences(person.id, Preferences(True, 15, 15), now)
    assert reminders.start() > 0
    reminders.stop()
    await asyncio.sleep(1.5)  # 14:45 passes: the visits' 15-minute reminders fall due, unfired
    assert recorder.sent == []
    assert reminders.start() > 0 and reminders.scheduler.running
    for _ in range(200):
        if len(recorder.sent) >= 3:
            break
        await asyncio.sleep(0.02)
    reminders.stop()
    assert recorder.chats() == ["1", "1", "1"]  # the three visits at 15:00, one reminder each
