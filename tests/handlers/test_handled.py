"""Each update answered once across processes: the claim in the database, and both channels using it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from telegram import Update

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.conversation import Conversation
from bot.model import Conference
from bot.store.store import Store
from handlers.handled import HandledUpdates, RecentUpdates
from handlers.messenger.events import Incoming, incoming
from handlers.serve import run_webhook
from handlers.telegram.app import SECRET_HEADER, build_application
from tests.fakes import updates
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.telegram_api import FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import ANNA, envelope, running_messenger, text
from tests.handlers.telegram.conftest import NOW, settings_for


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi() as api:
        yield api


async def test_an_update_is_claimed_once_per_channel(store: Store) -> None:
    handled = HandledUpdates(store)
    assert await handled.claim("telegram", "17")
    assert not await handled.claim("telegram", "17")
    assert await handled.claim("messenger", "17")  # ids of another channel are another matter


async def test_one_process_on_sqlite_remembers_recent_updates_without_writing() -> None:
    recent = RecentUpdates(size=2)
    assert await recent.claim("telegram", "1") and await recent.claim("messenger", "1")
    assert not await recent.claim("telegram", "1")
    assert await recent.claim("telegram", "2")  # the oldest is forgotten past the size
    assert await recent.claim("telegram", "1")


async def test_of_concurrent_claimers_on_two_engines_exactly_one_wins(store: Store) -> None:
    """Two processes' engines, twenty deliveries of one update at once: one answers."""
    other = Store.open(store.engine.url.render_as_string(hide_password=False))
    try:
        claimers = [HandledUpdates(store), HandledUpdates(other)]
        results = await asyncio.gather(*(claimers[i % 2].claim("telegram", "99") for i in range(20)))
    finally:
        await other.close()
    assert sorted(results) == [False] * 19 + [True]


async def test_rows_older_than_a_day_are_pruned_every_so_many_claims(store: Store) -> None:
    old = datetime.now(UTC) - timedelta(days=2)
    assert await store.claim_update("telegram", "old", old)
    handled = HandledUpdates(store, prune_every=3)
    assert await handled.claim("telegram", "1")
    assert await handled.claim("telegram", "2")
    assert not await store.claim_update("telegram", "old", old)  # not pruned yet
    assert await handled.claim("telegram", "3")  # the third claim prunes, beside the answer
    await handled.settle()
    assert await store.claim_update("telegram", "old", old)  # gone, so claimable again
    assert not await handled.claim("telegram", "1")  # a recent one stays


class AwayStore:
    """A database that cannot be reached (no real connection: no driver thread outlives the test)."""

    async def claim_update(self, channel: str, key: str, now: datetime) -> bool:
        raise ConnectionRefusedError("connection refused")


async def test_with_the_database_away_the_update_is_answered_anyway(caplog: pytest.LogCaptureFixture) -> None:
    handled = HandledUpdates(AwayStore())  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        assert await handled.claim("telegram", "5")
        assert await handled.claim("telegram", "5")  # not recorded, so answered again: better than silence
    assert "could not record update as handled" in caplog.text


def test_messenger_events_are_known_by_their_message_id_or_who_sent_what_when() -> None:
    base = {"sender": {"id": ANNA}, "recipient": {"id": "1"}, "timestamp": 1701262800123}
    [message] = incoming(envelope({**base, "message": {"mid": "m_1", "text": "hej"}}))
    assert message.key == "m_1"
    [postback] = incoming(envelope({**base, "postback": {"payload": "CMD:teraz"}}))
    [again] = incoming(envelope({**base, "postback": {"payload": "CMD:teraz"}}))
    [other] = incoming(envelope({**base, "postback": {"payload": "CMD:dalej"}}))
    assert postback.key is not None and postback.key.startswith(f"{ANNA}:1701262800123:")
    assert postback.key == again.key != other.key
    assert Incoming(ANNA, text="hej").key is None  # nothing to know it by: answered, never dropped


async def test_telegram_an_update_reaching_two_processes_is_answered_once(
    store: Store, fake_api: FakeBotApi, conference: Conference
) -> None:
    clock = FixedClock(parse_now(NOW, conference.tz))
    processes = []
    for _ in range(2):
        assistant = Assistant(conference, clock)
        application = build_application(
            settings_for(fake_api),
            assistant,
            with_updater=False,
            conversation=Conversation(lambda a=assistant: a, store),  # type: ignore[misc]
            handled=HandledUpdates(store),
        )
        await application.initialize()
        processes.append(application)
    try:
        update = updates.message(ALICE, "co jest teraz?")
        for application in processes:
            await application.process_update(Update.de_json(update, application.bot))
        other = updates.message(ALICE, "/teraz")
        await processes[1].process_update(Update.de_json(other, processes[1].bot))
    finally:
        for application in processes:
            await application.shutdown()
    assert len(fake_api.sent(ALICE)) == 2  # the first update once, the second once


async def test_telegram_webhook_claims_each_delivery_as_it_arrives(
    store: Store, fake_api: FakeBotApi, conference: Conference
) -> None:
    """Two webhook servers on one database, over HTTP: a delivery the other took is acknowledged
    and dropped before PTB sees it; a burst of deliveries at once is each answered once."""
    clock = FixedClock(parse_now(NOW, conference.tz))
    stop = asyncio.Event()
    ports, tasks = [], []
    for _ in range(2):
        port = free_port()
        settings = settings_for(
            fake_api,
            telegram_webhook_url="https://bot.example.org",
            telegram_webhook_secret="s_1",
            bot_port=port,
        )
        application = build_application(settings, Assistant(conference, clock), with_updater=False)
        started = asyncio.Event()
        tasks.append(
            asyncio.create_task(
                run_webhook(application, settings, stop, started, handled=HandledUpdates(store))
            )
        )
        await asyncio.wait_for(started.wait(), 10)
        ports.append(port)
    try:
        async with httpx.AsyncClient(headers={SECRET_HEADER: "s_1"}) as client:

            async def deliver(port: int, update: dict[str, object]) -> int:
                url = f"http://127.0.0.1:{port}/telegram/webhook"
                return (await client.post(url, json=update)).status_code

            twice = updates.message(ALICE, "co jest teraz?")
            assert await deliver(ports[0], twice) == await deliver(ports[1], twice) == 200
            burst = [updates.message(5000 + i, "co jest teraz?") for i in range(12)]
            statuses = await asyncio.gather(
                *(deliver(ports[i % 2], u) for i, u in enumerate([*burst, *burst]))
            )
            assert set(statuses) == {200}
            await fake_api.wait_for(lambda api: len(api.sent()) >= 13, what="13 answers")
            await asyncio.sleep(0.3)  # a duplicate would arrive meanwhile
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert len(fake_api.sent(ALICE)) == 1
    assert sorted(c.chat_id for c in fake_api.sent() if c.chat_id != ALICE) == [5000 + i for i in range(12)]


async def test_messenger_an_event_reaching_two_processes_is_answered_once(
    store: Store, graph: FakeGraphApi, conference: Conference
) -> None:
    async with (
        running_messenger(graph, conference, store=store) as first,
        running_messenger(graph, conference, store=store) as second,
    ):
        first.messenger.handled = HandledUpdates(store)
        second.messenger.handled = HandledUpdates(store)
        event = text(ANNA, "co jest teraz?")
        answer = await first.say(event)
        assert (await second.post(event)).status_code == 200  # acknowledged all the same
        await asyncio.sleep(0.3)
        assert len(graph.messages(ANNA)) == len(answer)
        assert await second.say(text(ANNA, "co dalej?"))  # a new message there is answered
