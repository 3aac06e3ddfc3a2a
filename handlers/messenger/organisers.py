"""Organisers' commands in Messenger (only MESSENGER_ADMIN_IDS): /statystyki, /przeladuj, /ogloszenie.

The same operations and texts as on Telegram (handlers/operations.py, handlers/reports.py); a
tap on the preview's "send" is checked again, and the sending runs in the background, so the
organiser can go on talking to the bot while thousands of messages go out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot import texts
from bot.reply import Reply
from handlers.messenger.payloads import Kind, Payload
from handlers.messenger.sender import Sender
from handlers.operations import Operations, announcement_id
from handlers.reports import preview_reply, reload_reply, sent_reply, statistics_reply, text_reply

logger = logging.getLogger(__name__)
Options = list[tuple[str, str]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]


class Organisers:
    def __init__(
        self, sender: Sender, admins: frozenset[str], operations: Operations | None, spawn: Spawn
    ) -> None:
        self.sender = sender
        self.admins = admins
        self.operations = operations
        self.spawn = spawn  # runs a coroutine in the background, tracked by the channel

    def allowed(self, psid: str) -> bool:
        return psid in self.admins and self.operations is not None

    async def statistics(self, psid: str, args: str) -> tuple[Reply, Options]:
        if not self.allowed(psid):
            return text_reply(texts.ADMIN_ONLY), []
        assert self.operations is not None
        operations = self.operations
        return statistics_reply(await operations.statistics(), source=operations.source_status()), []

    async def reload(self, psid: str, args: str) -> tuple[Reply, Options]:
        if not self.allowed(psid):
            return text_reply(texts.ADMIN_ONLY), []
        assert self.operations is not None
        return reload_reply(await self.operations.reload()), []

    async def announce(self, psid: str, args: str) -> tuple[Reply, Options]:
        """`/ogloszenie TEKST`: a preview with "send" and "cancel" quick replies; nothing goes out yet."""
        if not self.allowed(psid):
            return text_reply(texts.ADMIN_ONLY), []
        assert self.operations is not None and self.operations.announcements is not None
        if not args.strip():
            return text_reply(texts.ANNOUNCE_USAGE), []
        number = await self.operations.announcements.draft(args.strip(), f"messenger:{psid}")
        options = [
            (texts.ANNOUNCE_SEND_SHORT, Payload(Kind.ADMIN, f"send:{number}").encode()),
            (texts.ANNOUNCE_CANCEL, Payload(Kind.ADMIN, f"cancel:{number}").encode()),
        ]
        return preview_reply(args.strip(), *await self.operations.audience()), options

    async def on_tap(self, psid: str, value: str) -> Reply:
        """The preview's quick replies; whoever taps is checked again."""
        if not self.allowed(psid):
            return text_reply(texts.ADMIN_ONLY)
        assert self.operations is not None and self.operations.announcements is not None
        action, _, number = value.partition(":")
        announcement = announcement_id(number)
        if announcement is None:
            return text_reply(texts.ANNOUNCE_USAGE)
        if action == "cancel":
            return text_reply(texts.ANNOUNCE_CANCELLED)
        announcements = self.operations.announcements

        async def send_and_report() -> None:
            result = await announcements.send(announcement)
            await self.sender.send(psid, sent_reply(result))

        self.spawn(send_and_report())
        return text_reply(texts.ANNOUNCE_SENDING)

    @staticmethod
    def your_id(psid: str) -> Reply:
        return text_reply(texts.YOUR_ID.format(id=psid))
