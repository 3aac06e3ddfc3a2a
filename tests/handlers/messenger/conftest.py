"""The real Messenger channel served on 127.0.0.1, against the fake Graph API, over real HTTP."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.config import Settings, load_settings
from bot.conversation import Conversation
from bot.model import Conference
from bot.store.store import Store
from handlers.messenger.app import Messenger, build_messenger, reminder_notes
from handlers.messenger.webhook import SIGNATURE_HEADER, WEBHOOK_PATH
from handlers.operations import Operations
from handlers.serve import CurrentAssistant, web_server
from scheduler.announcements import Announcements
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.notifier import ChannelNotifier
from tests.conftest import DATA
from tests.fakes.graph_api import PAGE_TOKEN, FakeGraphApi
from tests.fakes.telegram_api import free_port

APP_SECRET = "app-secret-0123456789abcdef"
VERIFY_TOKEN = "verify-me-please"
PAGE_ID = "1122334455"
ANNA = "7001"  # page-scoped ids of two people
BARTEK = "7002"
NOW = "2023-11-29 14:00"  # day 1, an hour before the first study visits
_mids = itertools.count(1)


def messenger_settings(graph: FakeGraphApi, **overrides: object) -> Settings:
    return load_settings(
        _env_file=None,
        messenger_page_token=PAGE_TOKEN,
        messenger_app_secret=APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        messenger_graph_url=graph.base_url,
        **overrides,
    )


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(*messaging: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1701262800000, "messaging": list(messaging)}]}


def _base(psid: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": 1701262800000}


def text(psid: str, words: str) -> dict[str, Any]:
    return {**_base(psid), "message": {"mid": f"m_in_{next(_mids)}", "text": words}}


def quick_reply(psid: str, title: str, payload: str) -> dict[str, Any]:
    message = {"mid": f"m_in_{next(_mids)}", "text": title, "quick_reply": {"payload": payload}}
    return {**_base(psid), "message": message}


def postback(psid: str, payload: str, title: str = "Menu") -> dict[str, Any]:
    return {**_base(psid), "postback": {"mid": f"m_in_{next(_mids)}", "title": title, "payload": payload}}


def attachment(psid: str, kind: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    item = {"type": kind, "payload": payload or {"url": "https://example.org/x.jpg"}}
    return {**_base(psid), "message": {"mid": f"m_in_{next(_mids)}", "attachments": [item]}}


@dataclass
class RunningMessenger:
    graph: FakeGraphApi
    messenger: Messenger
    client: httpx.AsyncClient
    clock: FixedClock

    async def post_raw(self, body: bytes, signature: str | None) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        return await self.client.post(WEBHOOK_PATH, content=body, headers=headers)

    async def post(self, *messaging: dict[str, Any]) -> httpx.Response:
        body = json.dumps(envelope(*messaging)).encode()
        return await self.post_raw(body, sign(body))

    async def say(self, event: dict[str, Any], count: int = 1) -> list[Any]:
        """Send one event, wait for `count` more messages to its sender, return them."""
        psid = event["sender"]["id"]
        before = len(self.graph.messages(psid))
        response = await self.post(event)
        assert response.status_code == 200, response.text
        sent = await self.graph.wait_messages(psid, before + count)
        return sent[before:]


@contextlib.asynccontextmanager
async def running_messenger(
    graph: FakeGraphApi,
    conference: Conference,
    now: str = NOW,
    store: Store | None = None,
    organisers: frozenset[str] = frozenset(),
    **overrides: object,
) -> AsyncIterator[RunningMessenger]:
    clock = FixedClock(parse_now(now, conference.tz))
    current = CurrentAssistant(Assistant(conference, clock))
    port = free_port()
    settings = messenger_settings(graph, bot_port=port, messenger_admin_ids=organisers, **overrides)
    notes = reminder_notes(settings)  # as `run` wires it
    conversation = Conversation(current, store, reminder_notes=notes) if store is not None else None
    operations = Operations(DATA, store, current=current, swap=current.swap) if store is not None else None
    messenger = build_messenger(settings, current, conversation, operations)
    if operations is not None:  # as `run` wires them, with an unthrottled limiter
        assert store is not None
        limiter = RateLimiter(rate=100_000, per_chat=0)
        channels = ChannelNotifier({"messenger": messenger.notifier})
        operations.fanout = FanOut(store, channels, limiter)
        operations.announcements = Announcements(store, operations.fanout)
    messenger.api.backoff = 0.05  # retries in tests take milliseconds, not seconds
    await messenger.start()
    try:
        async with (
            web_server(messenger.routes, "127.0.0.1", port),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
        ):
            yield RunningMessenger(graph, messenger, client, clock)
    finally:
        await messenger.stop()


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi() as api:
        yield api


@pytest.fixture
async def bot(graph: FakeGraphApi, conference: Conference) -> AsyncIterator[RunningMessenger]:
    async with running_messenger(graph, conference) as running:
        yield running
