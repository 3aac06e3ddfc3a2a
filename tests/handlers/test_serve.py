"""Webhook mode: our Starlette app on 127.0.0.1 receives updates, replies go to the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.config import ConfigError
from bot.model import Conference
from handlers.serve import run_webhook
from handlers.telegram.app import SECRET_HEADER, build_application, webhook_url
from tests.fakes import updates
from tests.fakes.telegram_api import FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.telegram.conftest import NOW, parse_telegram_html, settings_for

SECRET = "s3cret_Token-42"


@dataclass
class Webhook:
    api: FakeBotApi
    url: str
    client: httpx.AsyncClient

    async def post(self, body: object, secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.client.post(self.url, json=body, headers=headers)


@pytest.fixture
async def webhook(fake_api: FakeBotApi, conference: Conference) -> AsyncIterator[Webhook]:
    port = free_port()
    settings = settings_for(
        fake_api,
        telegram_webhook_url="https://bot.example.org",
        telegram_webhook_secret=SECRET,
        bot_port=port,
    )
    clock = FixedClock(parse_now(NOW, conference.tz))
    application = build_application(settings, Assistant(conference, clock), with_updater=False)
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_webhook(application, settings, stop, started))
    await asyncio.wait_for(started.wait(), 10)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        yield Webhook(fake_api, "/telegram/webhook", client)
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_start_sets_the_webhook_with_the_secret(webhook: Webhook) -> None:
    [call] = webhook.api.calls_of("setWebhook")
    assert call.params["url"] == "https://bot.example.org/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert webhook.api.calls_of("setMyCommands")
    assert not webhook.api.calls_of("getUpdates")


async def test_update_with_the_right_secret_is_answered(webhook: Webhook) -> None:
    response = await webhook.post(updates.message(ALICE, "co jest teraz?"))
    assert response.status_code == 200
    [sent] = await webhook.api.wait_sent(ALICE)
    assert "15:00" in parse_telegram_html(sent.text)


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_wrong_or_missing_secret_is_refused_and_dropped(webhook: Webhook, secret: str | None) -> None:
    response = await webhook.post(updates.message(ALICE, "co jest teraz?"), secret=secret)
    assert response.status_code == 403
    await asyncio.sleep(0.3)
    assert webhook.api.sent(ALICE) == []


async def test_malformed_body_is_a_400(webhook: Webhook) -> None:
    response = await webhook.client.post(
        webhook.url, content=b"{not json", headers={SECRET_HEADER: SECRET, "content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_callbacks_and_non_text_work_through_the_webhook(webhook: Webhook) -> None:
    assert (await webhook.post(updates.sticker(ALICE))).status_code == 200
    [sent] = await webhook.api.wait_sent(ALICE)
    assert "naklejki" in parse_telegram_html(sent.text)
    message = {"message_id": 3, "date": 0, "chat": {"id": ALICE, "type": "private"}, "text": "…"}
    assert (await webhook.post(updates.callback("q:co dalej?", message))).status_code == 200
    sent_all = await webhook.api.wait_sent(ALICE, 2)
    assert "15:00" in parse_telegram_html(sent_all[1].text)
    assert webhook.api.calls_of("answerCallbackQuery")


async def test_healthz(webhook: Webhook) -> None:
    response = await webhook.client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_webhook_url_gets_the_path_only_when_missing(fake_api: FakeBotApi) -> None:
    bare = settings_for(fake_api, telegram_webhook_url="https://bot.example.org/")
    assert webhook_url(bare) == "https://bot.example.org/telegram/webhook"
    full = settings_for(fake_api, telegram_webhook_url="https://bot.example.org/hooks/tg")
    assert webhook_url(full) == "https://bot.example.org/hooks/tg"


def test_webhook_without_secret_is_a_config_error(fake_api: FakeBotApi) -> None:
    settings = settings_for(fake_api, telegram_webhook_url="https://bot.example.org")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        settings.webhook_secret()
