"""Organisers' commands through the real application: only ADMIN_IDS, previews, reloads."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.model import Conference
from bot.store.store import Store
from handlers.operations import Operations
from handlers.telegram.notifier import TelegramNotifier
from scheduler.announcements import Announcements
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.reminders import Reminders
from tests.bot.test_metrics import sample
from tests.conftest import DATA
from tests.fakes import updates
from tests.fakes.telegram_api import Call, FakeBotApi
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html, running_bot

ADMIN = 7001
GUEST = 7002
OTHERS = (7003, 7004)


@dataclass
class Organised:
    bot: RunningBot
    operations: Operations
    data: Path


def _message(call: Call, chat: int) -> dict[str, object]:
    return {
        "message_id": 1000,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "text": "…",
    }


def _button(call: Call, label: str) -> str:
    return next(b["callback_data"] for b in call.buttons() if b["text"].startswith(label))


@pytest.fixture
async def organised(
    fake_api: FakeBotApi, conference: Conference, store: Store, tmp_path: Path
) -> AsyncIterator[Organised]:
    data = tmp_path / "event.yaml"
    shutil.copy(DATA, data)
    holder: dict[str, object] = {}
    operations = Operations(
        data,
        store,
        current=lambda: holder["replier"].assistant,  # type: ignore[attr-defined]
        swap=lambda new: setattr(holder["replier"], "assistant", new),
    )
    async with running_bot(
        fake_api,
        conference,
        now="2023-11-29 12:00",
        store=store,
        operations=operations,
        admins=frozenset({ADMIN}),
    ) as bot:
        replier = bot.application.bot_data["replier"]
        holder["replier"] = replier
        notifier = TelegramNotifier(bot.application.bot, replier)
        limiter = RateLimiter(rate=1000, per_chat=0)
        fanout = FanOut(store, notifier, limiter)
        operations.fanout = fanout
        operations.reminders = Reminders(
            store, notifier, lambda: replier.assistant.conference, bot.clock, limiter
        )
        operations.announcements = Announcements(store, fanout)
        for chat in (ADMIN, GUEST, *OTHERS):
            await bot.say(updates.message(chat, "/start"), chat)
        yield Organised(bot, operations, data)


async def test_non_admins_are_refused_and_nothing_happens(organised: Organised) -> None:
    bot = organised.bot
    for command in ("/statystyki", "/przeladuj", "/ogloszenie Uwaga!"):
        [sent] = await bot.say(updates.message(GUEST, command), GUEST)
        assert parse_telegram_html(sent.text) == "Ta komenda jest tylko dla organizatorów."
    assert await organised.operations.store.unfinished_announcements() == []
    assert all(len(bot.api.sent(chat)) == 1 for chat in OTHERS)  # only their own /start answer


async def test_statistics_for_admins(organised: Organised) -> None:
    bot = organised.bot
    await bot.say(updates.message(GUEST, "gdzie jest najbliższa apteka?"), GUEST)
    await bot.say(updates.message(GUEST, "/przypomnienia wlacz"), GUEST)
    [stats] = await bot.say(updates.message(ADMIN, "/statystyki"), ADMIN)
    text = parse_telegram_html(stats.text)
    assert "Użytkownicy: 4" in text and "Przypomnienia włączone: 1" in text
    assert "gdzie jest najbliższa apteka? — 1×" in text


async def test_announcement_preview_then_send_once_to_everyone(organised: Organised) -> None:
    bot = organised.bot
    [usage] = await bot.say(updates.message(ADMIN, "/ogloszenie"), ADMIN)
    assert "Użycie" in usage.text
    [preview] = await bot.say(
        updates.message(ADMIN, "/ogloszenie Obiad przesunięty na 13:30 <b>!</b>"), ADMIN
    )
    text = parse_telegram_html(preview.text)
    assert "odbiorcy: 4" in text and "Obiad przesunięty na 13:30 <b>!</b>" in text
    assert all(len(bot.api.sent(chat)) == 1 for chat in OTHERS)  # a preview sends nothing
    send = _button(preview, "📢")
    [refused] = await bot.say(updates.callback(send, _message(preview, GUEST), chat_id=GUEST), GUEST)
    assert "tylko dla organizatorów" in refused.text
    await bot.say(updates.callback(send, _message(preview, ADMIN), chat_id=ADMIN), ADMIN, count=3)
    for chat in (GUEST, *OTHERS):
        await bot.api.wait_sent(chat, 2 if chat != GUEST else 3)
        assert "Obiad przesunięty" in bot.api.sent(chat)[-1].text
    await bot.say(updates.callback(send, _message(preview, ADMIN), chat_id=ADMIN), ADMIN, count=2)
    assert "już zostało wysłane" in bot.api.sent(ADMIN)[-1].text
    assert all(len(bot.api.sent(chat)) == 2 for chat in OTHERS)  # never twice


async def test_an_interrupted_announcement_resumes_for_the_rest_only(organised: Organised) -> None:
    bot, store = organised.bot, organised.operations.store
    announcements = organised.operations.announcements
    assert announcements is not None
    number = await announcements.draft("Zmiana sali", str(ADMIN))
    await store.confirm_announcement(number, bot.clock.now())
    # The crash: two people had it, the process died before the rest.
    from bot.store.models import DeliveryKind, DeliveryStatus

    first_two = (await store.reachable())[:2]
    for claim in await store.claim(first_two, DeliveryKind.ANNOUNCEMENT, str(number), bot.clock.now()):
        await store.finish(claim.delivery_id, DeliveryStatus.SENT, bot.clock.now())
    [result] = await announcements.resume()
    assert result.sent == 2
    assert await store.unfinished_announcements() == []


async def test_reload_rejects_a_bad_file_and_keeps_the_programme(organised: Organised) -> None:
    bot = organised.bot
    organised.data.write_text(
        organised.data.read_text(encoding="utf-8").replace('end: "16:30"', 'end: "14:00"', 1)
    )
    [sent] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    text = parse_telegram_html(sent.text)
    assert "ma błędy (1)" in text and "event.yaml:" in text and "zostaje poprzedni program" in text
    [answer] = await bot.say(updates.message(GUEST, "kiedy jest wizyta na Kozłówce?"), GUEST)
    assert "15:00–16:30" in parse_telegram_html(answer.text)
    metrics = organised.operations.metrics.exposition()
    assert sample(metrics, "eventbot_programme_reloads_total", result="failed") == 1
    assert sample(metrics, "eventbot_programme_reloads_total", result="ok") == 0


async def test_reload_applies_changes_and_tells_who_planned_them(organised: Organised) -> None:
    bot = organised.bot
    listing_calls = await bot.say(updates.message(GUEST, "kiedy jest wizyta na Kozłówce?"), GUEST)
    add = _button(listing_calls[0], "➕")
    await bot.say(updates.callback(add, _message(listing_calls[0], GUEST), chat_id=GUEST), GUEST)
    text = organised.data.read_text(encoding="utf-8")
    kozlowka = text.index("id: wizyta-na-kozlowce")
    moved = text[:kozlowka] + text[kozlowka:].replace('start: "15:00"', 'start: "15:30"', 1).replace(
        'end: "16:30"', 'end: "17:00"', 1
    )
    organised.data.write_text(moved, encoding="utf-8")
    before = len(bot.api.sent(GUEST))
    [done] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    assert "Zmiany w programie: 1; powiadomione osoby, które miały je w planie: 1" in parse_telegram_html(
        done.text
    )
    notice = bot.api.sent(GUEST)[before]
    notice_text = parse_telegram_html(notice.text)
    assert "Zmiana godziny" in notice_text and "15:30–17:00" in notice_text and "Było:" in notice_text
    [answer] = await bot.say(updates.message(OTHERS[0], "kiedy jest wizyta na Kozłówce?"), OTHERS[0])
    assert "15:30–17:00" in parse_telegram_html(answer.text)
    # Reloading the same file again tells nobody twice.
    [again] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    assert "Zmiany w programie: 0" in parse_telegram_html(again.text)
    metrics = organised.operations.metrics.exposition()
    assert sample(metrics, "eventbot_programme_reloads_total", result="ok") == 2


async def test_preview_counts_messenger_people_outside_the_24_hour_window(organised: Organised) -> None:
    from datetime import UTC, datetime, timedelta

    bot = organised.bot
    store = organised.operations.store
    now = datetime.now(UTC)
    await store.touch("messenger", "m-recent", now - timedelta(hours=2))
    await store.touch("messenger", "m-silent", now - timedelta(hours=30))
    organised.operations.messenger_window = True
    [preview] = await bot.say(updates.message(ADMIN, "/ogloszenie Sala zmieniona"), ADMIN)
    text = parse_telegram_html(preview.text)
    assert "odbiorcy: 6" in text and "które nie pisały od ponad 24 godzin: 1" in text
    organised.operations.messenger_window = False  # the tag is on: everyone can be reached
    [again] = await bot.say(updates.message(ADMIN, "/ogloszenie Sala zmieniona"), ADMIN)
    assert "Messengerze" not in parse_telegram_html(again.text)
    [stats] = await bot.say(updates.message(ADMIN, "/statystyki"), ADMIN)
    assert "Kanały: Messenger 2, Telegram 4" in parse_telegram_html(stats.text)
