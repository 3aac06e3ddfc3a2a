"""The real Telegram application against the fake Bot API on 127.0.0.1, over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.config import Settings, load_settings
from bot.conversation import Conversation
from bot.model import Conference
from bot.store.store import Store
from handlers.operations import Operations
from handlers.serve import run_polling
from handlers.telegram.app import TelegramApp, build_application
from tests.fakes.telegram_api import TOKEN, Call, FakeBotApi

NOW = "2023-11-29 14:00"  # day 1, an hour before the first study visits


def settings_for(api: FakeBotApi, **overrides: object) -> Settings:
    return load_settings(
        _env_file=None, telegram_bot_token=TOKEN, telegram_base_url=api.base_url, **overrides
    )


@dataclass
class RunningBot:
    api: FakeBotApi
    application: TelegramApp
    clock: FixedClock

    async def say(self, update: dict[str, object], chat_id: int, count: int = 1) -> list[Call]:
        """Push an update and wait until the bot has sent `count` more messages to the chat."""
        before = len(self.api.sent(chat_id))
        self.api.push(update)
        sent = await self.api.wait_sent(chat_id, before + count)
        return sent[before:]

    async def quiet(self, update: dict[str, object], chat_id: int) -> None:
        """Push an update and check the bot stays silent in the chat."""
        before = len(self.api.sent(chat_id))
        update_id = int(str(update["update_id"]))
        self.api.push(update)
        # Once getUpdates has moved past the update, the bot has handled it (or ignored it).
        await self.api.wait_for(
            lambda api: any(int(c.params.get("offset") or 0) > update_id for c in api.calls_of("getUpdates")),
            what=f"update {update_id} to be fetched",
        )
        await asyncio.sleep(0.2)
        assert len(self.api.sent(chat_id)) == before


@contextlib.asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    conference: Conference,
    now: str = NOW,
    store: Store | None = None,
    operations: Operations | None = None,
    admins: frozenset[int] = frozenset(),
) -> AsyncIterator[RunningBot]:
    clock = FixedClock(parse_now(now, conference.tz))
    assistant = Assistant(conference, clock)
    conversation = Conversation(lambda: replier.assistant, store) if store is not None else None
    application = build_application(
        settings_for(api, admin_ids=admins),
        assistant,
        conversation=conversation,
        operations=operations,
    )
    replier = application.bot_data["replier"]
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(application, stop, poll_timeout=1))
    try:
        await api.wait_for(lambda a: bool(a.calls_of("getUpdates")), what="polling to start")
        yield RunningBot(api, application, clock)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def bot(fake_api: FakeBotApi, conference: Conference) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_api, conference) as running:
        yield running


class _TelegramHtml(HTMLParser):
    """Checks text the way Telegram's HTML parse mode would: known tags only, balanced, escaped."""

    ALLOWED = frozenset({"b", "i", "a"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            self.problems.append(f"tag <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_telegram_html(text: str) -> str:
    """The visible text of a message; fails the test if Telegram would reject its markup."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    assert not parser.problems and not parser.open, (parser.problems, parser.open, text[:300])
    raw = text.replace("&lt;", "").replace("&gt;", "").replace("&amp;", "").replace("&quot;", "")
    assert "&" not in raw, f"unescaped & in {text[:300]!r}"
    return "".join(parser.text)
