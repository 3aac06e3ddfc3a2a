"""PTB over the aiohttp transport (the fan-out bot's), against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, RetryAfter, TimedOut

from handlers.telegram.notifier import flood_seconds
from handlers.telegram.request import RetryingRequest
from handlers.telegram.transport import AiohttpRequest
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[Bot]:
    request = RetryingRequest(AiohttpRequest(connection_pool_size=4), sleep=no_sleep, flood_waits=False)
    async with Bot(TOKEN, base_url=f"{fake_api.base_url}/bot", request=request) as running:
        yield running


async def test_messages_venues_and_files_arrive_as_ptb_sends_them(bot: Bot, fake_api: FakeBotApi) -> None:
    sent = await bot.send_message(42, "Zażółć <b>gęślą</b> & jaźń", parse_mode="HTML")
    assert sent.chat.id == 42 and sent.message_id > 0
    await bot.send_venue(42, latitude=50.048, longitude=19.957, title="Klaster", address="ul. Zabłocie 22")
    await bot.send_document(42, InputFile(b"BEGIN:VCALENDAR\r\n", filename="plan.ics"), caption="Plan")
    message, venue, document = fake_api.calls_of("sendMessage", "sendVenue", "sendDocument")
    assert message.params["text"] == "Zażółć <b>gęślą</b> & jaźń" and message.params["parse_mode"] == "HTML"
    assert venue.params["title"] == "Klaster" and float(venue.params["latitude"]) == 50.048
    assert document.params["document"] == {"filename": "plan.ics", "content": b"BEGIN:VCALENDAR\r\n"}
    assert document.params["caption"] == "Plan"


async def test_a_429_comes_back_at_once_for_the_fan_out_to_wait(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", 429, retry_after=7)
    started = time.monotonic()
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "x")
    assert flood_seconds(caught.value) == 7
    assert time.monotonic() - started < 1


async def test_server_errors_are_retried(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", 500, times=2)
    await bot.send_message(42, "x")
    assert len(fake_api.calls_of("sendMessage")) == 3


async def test_a_slow_server_is_a_timeout_and_a_closed_port_a_network_error(fake_api: FakeBotApi) -> None:
    fake_api.send_delay = 1.0
    slow = RetryingRequest(AiohttpRequest(read_timeout=0.2), sleep=no_sleep)
    async with Bot(TOKEN, base_url=f"{fake_api.base_url}/bot", request=slow) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(42, "x")
    closed = AiohttpRequest(connect_timeout=1)
    await closed.initialize()
    try:
        with pytest.raises(NetworkError):
            await closed.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe")
    finally:
        await closed.shutdown()


async def test_not_initialized_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/x", "POST")


def test_proxies_come_from_the_environment_like_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    assert request._proxy("https://api.telegram.org/bot1/sendMessage") == "http://proxy.example:3128"
    assert request._proxy("http://127.0.0.1:8081/bot1/sendMessage") is None


def test_calls_without_a_file_go_as_json_with_objects_as_objects() -> None:
    """The Bot API reads application/json; buttons go as an object, Polish letters as they are."""
    import json

    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.request import RequestData
    from telegram.request._requestparameter import RequestParameter

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Mój plan", callback_data="p")]])
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "Zażółć <b>gęślą</b> & jaźń"),
            RequestParameter.from_input("reply_markup", markup),
        ]
    )
    body, content_type = AiohttpRequest._body(data)
    assert content_type == "application/json" and isinstance(body, bytes)
    assert "gęślą".encode() in body  # not escaped: a shorter body
    assert json.loads(body) == {
        "chat_id": 42,
        "text": "Zażółć <b>gęślą</b> & jaźń",
        "reply_markup": {"inline_keyboard": [[{"text": "Mój plan", "callback_data": "p"}]]},
    }
