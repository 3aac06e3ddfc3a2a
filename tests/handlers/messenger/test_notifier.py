"""Reminders and announcements to Messenger users, within and outside Meta's 24-hour window.

The real Reminders fan-out, the real ledger (SQLite and PostgreSQL) and the real Messenger
sender, against the fake Graph API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock, parse_now
from bot.model import Conference
from bot.store.models import DeliveryKind
from bot.store.store import Person, Preferences, Store
from handlers.messenger.graph import GraphApi
from handlers.messenger.notifier import EVENT_TAG, MessengerNotifier
from handlers.messenger.sender import Sender
from scheduler.announcements import Announcements
from scheduler.limiter import RateLimiter
from scheduler.notifier import ChannelNotifier
from scheduler.reminders import Reminders, reminder_key
from tests.fakes.graph_api import PAGE_TOKEN, FakeGraphApi

VISIT = "wizyta-na-kozlowce"  # 15:00 on day 1


@pytest.fixture
async def api(graph: FakeGraphApi) -> AsyncIterator[GraphApi]:
    client = GraphApi(graph.base_url, PAGE_TOKEN, backoff=0.01)
    yield client
    await client.stop()


def reminders_for(
    store: Store, conference: Conference, api: GraphApi, tag_allowed: bool, now: datetime
) -> Reminders:
    sender = Sender(api, lambda: None)  # type: ignore[arg-type,return-value]  # reminders need no assistant
    notifier = MessengerNotifier(sender, tag_allowed, now=lambda: now)
    clock = FixedClock(parse_now("2023-11-29 14:30", conference.tz))
    limiter = RateLimiter(rate=100_000, per_chat=0)
    return Reminders(store, ChannelNotifier({"messenger": notifier}), lambda: conference, clock, limiter)


async def subscriber(store: Store, psid: str, last_message: datetime, channel: str = "messenger") -> Person:
    person = await store.touch(channel, psid, last_message)
    await store.save_preferences(person.id, Preferences(True, 15, 30), last_message)
    return person


async def test_inside_the_window_a_reminder_goes_as_an_update(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await subscriber(store, "8001", now - timedelta(hours=23, minutes=50))
    result = await reminders_for(store, conference, api, False, now).fire(VISIT, 30)
    assert result.sent == 1
    [message] = graph.messages("8001")
    assert message.body["messaging_type"] == "UPDATE" and "tag" not in message.body
    assert message.text.startswith("⏰ Za 30 minut, o 15:00:")
    assert message.titles == ["Szczegóły", "Wyłącz przypomnienia"]


async def test_outside_the_window_without_the_tag_it_is_withheld_and_counted(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await subscriber(store, "8002", now - timedelta(hours=24, minutes=1))
    reminders = reminders_for(store, conference, api, False, now)
    result = await reminders.fire(VISIT, 30)
    assert result.sent == 0 and result.withheld == 1 and result.failed == 0
    assert graph.calls == []
    statuses = await store.deliveries(DeliveryKind.REMINDER, reminder_key(conference.session(VISIT)))  # type: ignore[arg-type]
    assert list(statuses.values()) == ["skipped"]
    stats = await store.statistics()
    assert stats.withheld == 1 and stats.skipped == 1 and stats.sent == 0
    assert (await reminders.fire(VISIT, 30)).withheld == 0  # recorded: not tried again


async def test_outside_the_window_with_the_tag_enabled_it_goes_tagged(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await subscriber(store, "8003", now - timedelta(days=3))
    await subscriber(store, "8004", now - timedelta(minutes=5))
    result = await reminders_for(store, conference, api, True, now).fire(VISIT, 30)
    assert result.sent == 2
    [tagged] = graph.messages("8003")
    assert tagged.body["messaging_type"] == "MESSAGE_TAG" and tagged.body["tag"] == EVENT_TAG
    [normal] = graph.messages("8004")
    assert normal.body["messaging_type"] == "UPDATE" and "tag" not in normal.body


async def test_unreachable_people_are_marked_blocked_and_window_refusals_withheld(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    gone = await subscriber(store, "8005", now - timedelta(hours=1))
    graph.fail("me/messages", 400, 551, 1545041)  # "This person isn't available right now"
    assert (await reminders_for(store, conference, api, False, now).fire(VISIT, 30)).blocked == 1
    found = await store.find("messenger", "8005")
    assert found is not None and found.blocked and found.id == gone.id
    await subscriber(store, "8006", now - timedelta(hours=2))
    graph.fail("me/messages", 400, 10, 2018278)  # Meta disagrees about the window: not a failure
    second = await reminders_for(store, conference, api, False, now).fire(VISIT, 60)
    assert second.withheld == 0 and second.sent == 0  # 60-minute job: nobody wants it
    result = await reminders_for(store, conference, api, False, now).fire(VISIT, 30)
    assert result.withheld == 1 and result.blocked == 0 and graph.messages("8006") == []


async def test_rate_limits_and_server_errors_are_retried(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await subscriber(store, "8007", now)
    graph.fail("me/messages", 400, 613, times=2)
    graph.fail("me/messages", 503, 2, times=1)
    result = await reminders_for(store, conference, api, False, now).fire(VISIT, 30)
    assert result.sent == 1 and len(graph.messages("8007")) == 1
    assert sum(c.failed for c in graph.calls) == 3


async def test_people_of_a_channel_not_running_here_are_skipped(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await subscriber(store, "8008", now)
    await subscriber(store, "555", now, channel="telegram")
    result = await reminders_for(store, conference, api, False, now).fire(VISIT, 30)
    assert result.sent == 1 and result.withheld == 1 and result.failed == 0


async def test_an_announcement_follows_the_same_window(
    store: Store, conference: Conference, api: GraphApi, graph: FakeGraphApi
) -> None:
    now = datetime.now(UTC)
    await store.touch("messenger", "8010", now - timedelta(hours=1))
    await store.touch("messenger", "8011", now - timedelta(hours=30))
    reminders = reminders_for(store, conference, api, False, now)
    announcements = Announcements(store, reminders.fanout)
    draft = await announcements.draft("Obiad przesunięty na 13:30.", "organizator")
    result = await announcements.send(draft)
    assert result is not None and result.sent == 1 and result.withheld == 1
    [message] = graph.messages("8010")
    assert "Ogłoszenie organizatorów" in message.text and "13:30" in message.text
    assert (await store.statistics()).withheld == 1
