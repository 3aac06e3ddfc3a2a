"""Reminders through Telegram when Telegram fails: what the fan-out is told, over real HTTP."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.model import Conference
from bot.reply import ReplyBuilder
from bot.store.store import Person
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.replies import Replier
from handlers.telegram.request import RetryingRequest
from scheduler.notifier import Outcome, Unreachable
from tests.fakes.telegram_api import TOKEN, FakeBotApi


async def _no_wait(_seconds: float) -> None:
    return None


async def _notifier(api: FakeBotApi, conference: Conference) -> TelegramNotifier:
    assistant = Assistant(conference, FixedClock(parse_now("2023-11-29 14:00", conference.tz)))
    request = RetryingRequest(HTTPXRequest(), sleep=_no_wait, flood_waits=False)
    bot = Bot(TOKEN, base_url=f"{api.base_url}/bot", request=request)
    await bot.initialize()
    return TelegramNotifier(bot, Replier(assistant))


PERSON = Person(1, "telegram", "555")
REPLY = ReplyBuilder().line("⏰ Za 15 minut…").build()


async def test_telegram_away_after_the_retries_is_unreachable_not_failed(
    fake_api: FakeBotApi, conference: Conference
) -> None:
    notifier = await _notifier(fake_api, conference)
    try:
        fake_api.fail("sendMessage", 502, times=100)
        with pytest.raises(Unreachable) as raised:
            await notifier.send(PERSON, REPLY)
        assert raised.value.channel == "Telegram" and raised.value.seconds > 0
        fake_api.failures.clear()
        assert await notifier.send(PERSON, REPLY) is Outcome.SENT  # back: sent
        fake_api.fail("sendMessage", 400)
        assert await notifier.send(PERSON, REPLY) is Outcome.FAILED  # our mistake: not retried
    finally:
        await notifier.bot.shutdown()


async def test_paid_broadcasts_are_asked_for_reminders_only_when_set(
    fake_api: FakeBotApi, conference: Conference
) -> None:
    notifier = await _notifier(fake_api, conference)
    try:
        assert await notifier.send(PERSON, REPLY) is Outcome.SENT
        notifier.paid = True
        assert await notifier.send(PERSON, REPLY) is Outcome.SENT
        free, paid = fake_api.sent(555)
        assert "allow_paid_broadcast" not in free.params
        assert str(paid.params.get("allow_paid_broadcast")).lower() == "true"
    finally:
        await notifier.bot.shutdown()
