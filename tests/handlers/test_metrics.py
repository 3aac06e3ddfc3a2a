"""`/metrics` of a running application: the counters move as updates, reminders and errors happen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.conversation import Conversation
from bot.metrics import Metrics
from bot.model import Conference
from bot.store.store import Preferences, Store
from handlers.health import Health
from handlers.serve import CurrentAssistant, run_polling
from handlers.telegram.app import build_application, fanout_telegram_bot
from handlers.telegram.notifier import TelegramNotifier
from handlers.web import web_server
from scheduler.leadership import Leadership
from scheduler.limiter import RateLimiter
from scheduler.reminders import Reminders
from tests.bot.test_metrics import sample
from tests.fakes import updates
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.telegram_api import FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import graph, running_messenger, text
from tests.handlers.telegram.conftest import NOW, RunningBot, settings_for

__all__ = ["graph"]  # the fixture

VISIT = "wizyta-na-kozlowce"  # 15:00 on day 1
BOB = 1002


@dataclass
class Watched:
    bot: RunningBot
    reminders: Reminders
    store: Store
    client: httpx.AsyncClient  # the probes, as Prometheus scrapes them

    async def metric(self, name: str, **labels: str) -> float:
        response = await self.client.get("/metrics")
        assert response.status_code == 200
        return sample(response.text, name, **labels)


@pytest.fixture
async def watched(fake_api: FakeBotApi, conference: Conference, tmp_path: Path) -> AsyncIterator[Watched]:
    """The Telegram channel wired as `run` wires it, with one Metrics shared by every part."""
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    metrics = Metrics()
    clock = FixedClock(parse_now(NOW, conference.tz))
    current = CurrentAssistant(Assistant(conference, clock))
    conversation = Conversation(current, store, metrics=metrics)
    settings = settings_for(fake_api)
    application = build_application(settings, current(), conversation=conversation, metrics=metrics)
    fanout_bot = fanout_telegram_bot(settings, metrics)
    notifier = TelegramNotifier(fanout_bot, application.bot_data["replier"])
    limiter = RateLimiter(rate=100_000, per_chat=0)
    reminders = Reminders(store, notifier, lambda: conference, clock, limiter, metrics=metrics)
    health = Health(store, current, Leadership(metrics), metrics)
    port = free_port()
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(application, stop, poll_timeout=1))
    try:
        async with (
            fanout_bot,
            web_server([], "127.0.0.1", port, health),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
        ):
            await fake_api.wait_for(lambda a: bool(a.calls_of("getUpdates")), what="polling to start")
            yield Watched(RunningBot(fake_api, application, clock), reminders, store, client)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await store.close()


async def test_updates_questions_and_answer_times_are_counted(watched: Watched) -> None:
    bot = watched.bot
    await bot.say(updates.message(ALICE, "co jest teraz?"), ALICE)
    await bot.say(updates.message(ALICE, "zzz qwerty blablabla"), ALICE)
    await bot.say(updates.message(ALICE, "/teraz"), ALICE)
    await bot.say(updates.sticker(ALICE), ALICE)
    message = {
        "message_id": 3,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
    }
    await bot.say(updates.callback("q:co dalej?", message), ALICE)

    kinds = {
        k: await watched.metric("eventbot_updates_total", channel="telegram", kind=k)
        for k in ("message", "command", "other", "callback")
    }
    assert kinds == {"message": 2, "command": 1, "other": 1, "callback": 1}
    assert await watched.metric("eventbot_questions_total", channel="telegram", intent="now") == 1
    assert await watched.metric("eventbot_questions_total", channel="telegram", intent="fallback") == 1
    assert await watched.metric("eventbot_fallbacks_total", channel="telegram") == 1
    answered = await watched.metric("eventbot_answer_seconds_count", channel="telegram")
    assert answered >= 3  # the two texts and the button's question
    assert await watched.metric("eventbot_answer_seconds_sum", channel="telegram") > 0


async def test_a_platform_error_is_counted_by_its_code(watched: Watched) -> None:
    watched.bot.api.fail("sendMessage", 502)  # retried by the request layer: the answer still goes
    [answer] = await watched.bot.say(updates.message(ALICE, "co jest teraz?"), ALICE)
    assert "15:00" in answer.text
    assert await watched.metric("eventbot_platform_errors_total", platform="telegram", code="502") == 1
    assert await watched.metric("eventbot_platform_errors_total", platform="telegram", code="500") == 0


async def test_reminders_sent_and_refused_are_counted(watched: Watched) -> None:
    store = watched.store
    now = watched.bot.clock.now()
    for chat in (ALICE, BOB):
        person = await store.touch("telegram", str(chat), now)
        await store.save_preferences(person.id, Preferences(True, 30, 30), now)
    watched.bot.api.fail("sendMessage", 403)  # one of the two has blocked the bot
    result = await watched.reminders.fire(VISIT, 30)
    assert result.sent == 1 and result.blocked == 1
    assert await watched.metric("eventbot_deliveries_total", kind="reminder", outcome="sent") == 1
    assert await watched.metric("eventbot_deliveries_total", kind="reminder", outcome="blocked") == 1
    assert await watched.metric("eventbot_platform_errors_total", platform="telegram", code="403") == 1
    assert await watched.metric("eventbot_fanout_backlog") == 0
    await watched.reminders.fire(VISIT, 30)  # again: the ledger sends nothing, nothing is counted
    assert await watched.metric("eventbot_deliveries_total", kind="reminder", outcome="sent") == 1


async def test_messenger_updates_and_graph_errors_are_counted(
    graph: FakeGraphApi, conference: Conference
) -> None:
    async with running_messenger(graph, conference) as bot:
        graph.fail("me/messages", 500, 2)  # Meta's "temporary" error, retried
        [answer] = await bot.say(text("2001", "co jest teraz?"))
        assert answer.text
        metrics = bot.messenger.metrics.exposition()
    assert sample(metrics, "eventbot_updates_total", channel="messenger", kind="message") == 1
    assert sample(metrics, "eventbot_platform_errors_total", platform="messenger", code="500") == 1


class TakenElsewhere:
    """Every update already claimed by another process."""

    async def claim(self, channel: str, key: str) -> bool:
        return False


async def test_a_messenger_delivery_another_process_took_is_neither_answered_nor_counted(
    graph: FakeGraphApi, conference: Conference
) -> None:
    async with running_messenger(graph, conference) as bot:
        bot.messenger.handled = TakenElsewhere()
        response = await bot.post(text("2002", "co jest teraz?"))
        assert response.status_code == 200
        await asyncio.sleep(0.3)
        assert graph.messages("2002") == []
        metrics = bot.messenger.metrics.exposition()
    assert sample(metrics, "eventbot_updates_total", channel="messenger", kind="message") == 0
