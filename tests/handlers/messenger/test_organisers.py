"""Organisers' commands in Messenger: only for MESSENGER_ADMIN_IDS, the same as on Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.model import Conference
from bot.store.store import Store
from tests.fakes.graph_api import FakeGraphApi
from tests.handlers.messenger.conftest import (
    ANNA,
    BARTEK,
    RunningMessenger,
    quick_reply,
    running_messenger,
    text,
)

ORGANISER = "7999"


@pytest.fixture
async def bot(graph: FakeGraphApi, conference: Conference, store: Store) -> AsyncIterator[RunningMessenger]:
    async with running_messenger(
        graph, conference, store=store, organisers=frozenset({ORGANISER})
    ) as running:
        for psid in (ANNA, BARTEK, ORGANISER):
            await running.say(text(psid, "dzień dobry"))
        yield running


async def test_anyone_can_learn_their_id_but_only_organisers_use_the_commands(bot: RunningMessenger) -> None:
    [mine] = await bot.say(text(ANNA, "/moje_id"))
    assert ANNA in mine.text and "MESSENGER_ADMIN_IDS" in mine.text
    for command in ("/statystyki", "/przeladuj", "/ogloszenie Uwaga!"):
        [refused] = await bot.say(text(ANNA, command))
        assert refused.text == "Ta komenda jest tylko dla organizatorów."
    [forged] = await bot.say(quick_reply(ANNA, "📢 Wyślij", "ADM:send:1"))
    assert "tylko dla organizatorów" in forged.text
    await asyncio.sleep(0.2)
    assert len(bot.graph.messages(BARTEK)) == 1  # nothing went out to anyone


async def test_statistics_in_messenger(bot: RunningMessenger) -> None:
    await bot.say(text(BARTEK, "gdzie jest najbliższa apteka?"))
    [stats] = await bot.say(text(ORGANISER, "/statystyki"))
    assert "Użytkownicy: 3" in stats.text and "gdzie jest najbliższa apteka? — 1×" in stats.text


async def test_an_announcement_is_previewed_then_sent_once_in_the_background(bot: RunningMessenger) -> None:
    [usage] = await bot.say(text(ORGANISER, "/ogloszenie"))
    assert "Użycie" in usage.text
    [preview] = await bot.say(text(ORGANISER, "/ogloszenie Obiad przesunięty na 13:30"))
    assert "odbiorcy: 3" in preview.text and "Obiad przesunięty na 13:30" in preview.text
    assert preview.titles == ["📢 Wyślij", "Anuluj"]
    send = preview.quick_replies[0]
    # The organiser gets "sending", the announcement itself (they are a user too), then the report.
    sent = await bot.say(quick_reply(ORGANISER, send["title"], send["payload"]), count=3)
    assert sent[0].text == "📢 Wysyłam…" and "Doszło: 3" in sent[-1].text
    for psid in (ANNA, BARTEK):
        assert "Obiad przesunięty na 13:30" in bot.graph.messages(psid)[-1].text
    again = await bot.say(quick_reply(ORGANISER, send["title"], send["payload"]), count=2)
    assert again[0].text == "📢 Wysyłam…" and "już zostało wysłane" in again[1].text
    assert sum("Obiad" in m.text for m in bot.graph.messages(ANNA)) == 1


async def test_a_multi_line_announcement_keeps_its_lines(bot: RunningMessenger) -> None:
    [preview] = await bot.say(text(ORGANISER, "/ogloszenie\nZmiana sali.\nPanel w sali B."))
    assert "Zmiana sali.\nPanel w sali B." in preview.text


async def test_a_cancelled_announcement_sends_nothing(bot: RunningMessenger) -> None:
    [preview] = await bot.say(text(ORGANISER, "/ogloszenie Test"))
    cancel = preview.quick_replies[1]
    [cancelled] = await bot.say(quick_reply(ORGANISER, cancel["title"], cancel["payload"]))
    assert "nic nie wysłałem" in cancelled.text
    await asyncio.sleep(0.2)
    assert all("Test" not in m.text for m in bot.graph.messages(ANNA))


async def test_reload_in_messenger_keeps_the_programme_and_reports(bot: RunningMessenger) -> None:
    [reloaded] = await bot.say(text(ORGANISER, "/przeladuj"))
    assert "Dane wczytane" in reloaded.text
