"""Answers sent as the Bot API's JSON (handlers/telegram/wire.py), against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.model import Conference
from handlers.telegram.app import build_application, fanout_telegram_bot
from handlers.telegram.replies import Replier
from handlers.telegram.request import RetryingRequest
from handlers.telegram.transport import AiohttpRequest
from handlers.telegram.wire import post, wire_data
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.handlers.telegram.conftest import NOW, settings_for


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[Bot]:
    request = RetryingRequest(AiohttpRequest(connection_pool_size=2), sleep=no_sleep)
    async with Bot(TOKEN, base_url=f"{fake_api.base_url}/bot", request=request) as running:
        yield running


def test_the_bots_use_nothing_their_methods_would_add(fake_api: FakeBotApi, conference: Conference) -> None:
    """What PTB's methods do beside the call itself (defaults, a rate limiter, arbitrary callback
    data) must stay unused while answers bypass them."""
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    settings = settings_for(fake_api)
    application = build_application(settings, assistant)
    assert application.bot.defaults is None
    assert application.bot.rate_limiter is None
    assert application.bot.callback_data_cache is None
    assert not hasattr(fanout_telegram_bot(settings), "defaults")  # a plain Bot: nothing to add


def test_values_are_sent_as_they_are() -> None:
    data = wire_data({"chat_id": 42, "text": "Zażółć", "reply_markup": {"inline_keyboard": [[]]}})
    assert not data.contains_files
    assert data.parameters == {"chat_id": 42, "text": "Zażółć", "reply_markup": {"inline_keyboard": [[]]}}
    assert data.json_parameters["text"] == "Zażółć" and data.json_parameters["chat_id"] == "42"


async def test_a_message_goes_out_and_its_result_is_not_parsed(bot: Bot, fake_api: FakeBotApi) -> None:
    markup = {"inline_keyboard": [[{"text": "Dalej", "callback_data": "q:dalej"}]]}
    result = await post(bot, "sendMessage", {"chat_id": 42, "text": "<b>Teraz</b>", "reply_markup": markup})
    assert isinstance(result, dict) and result["chat"]["id"] == 42  # the API's JSON, not a Message
    (call,) = fake_api.calls_of("sendMessage")
    assert call.params["text"] == "<b>Teraz</b>" and call.params["reply_markup"] == markup


async def test_error_answers_raise_as_they_do_for_send_message(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", 403)
    with pytest.raises(Forbidden):
        await post(bot, "sendMessage", {"chat_id": 42, "text": "x"})
    fake_api.fail("sendMessage", 400)
    with pytest.raises(BadRequest):
        await post(bot, "sendMessage", {"chat_id": 42, "text": "x"})
    fake_api.fail("sendMessage", 500, times=2)  # retried by the bot's own request object
    await post(bot, "sendMessage", {"chat_id": 42, "text": "x"})
    assert len(fake_api.calls_of("sendMessage")) == 5


async def test_a_reply_keeps_its_quote_buttons_and_paid_flag(
    bot: Bot, fake_api: FakeBotApi, conference: Conference
) -> None:
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    reply = assistant.reply_next()
    replier = Replier(assistant)
    await replier.send(bot, 42, reply, reply_to=7, paid=True)
    await replier.send(bot, 42, reply)
    first, second = fake_api.calls_of("sendMessage")
    assert first.params["reply_parameters"] == {"message_id": 7, "allow_sending_without_reply": True}
    assert first.params["allow_paid_broadcast"] == "true" and first.params["parse_mode"] == "HTML"
    assert first.params["link_preview_options"] == {"is_disabled": True}
    assert "reply_parameters" not in second.params and "allow_paid_broadcast" not in second.params
    assert first.params["reply_markup"] == second.params["reply_markup"] == replier.markup(reply).to_dict()
