"""Reminders and announcements out through Telegram, with the outcome the scheduler records."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.reply import Reply
from bot.store.store import Person
from handlers.telegram.replies import Replier
from scheduler.notifier import Outcome

logger = logging.getLogger(__name__)
FLOOD_ATTEMPTS = 10  # rounds of waiting out a 429 before a message counts as failed


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


_GONE = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramNotifier:
    def __init__(self, bot: Bot, replier: Replier) -> None:
        self.bot = bot
        self.replier = replier

    async def send(self, person: Person, reply: Reply) -> Outcome:
        """One message (and its pin); 5xx and timeouts are retried in the request layer.

        A 429 is never a reason to drop a reminder: the request layer waits `retry_after` a few
        times, and if Telegram still asks to slow down, this waits and tries again.
        """
        for _attempt in range(FLOOD_ATTEMPTS):
            try:
                return await self._send_once(person, reply)
            except RetryAfter as exc:
                logger.warning("send to user %s: flood wait %s", person.id, exc.retry_after)
                await asyncio.sleep(_seconds(exc.retry_after))
        return Outcome.FAILED

    async def _send_once(self, person: Person, reply: Reply) -> Outcome:
        try:
            await self.replier.send(self.bot, int(person.chat_id), reply)
        except Forbidden:
            return Outcome.BLOCKED  # blocked the bot, or the account is deactivated
        except BadRequest as exc:
            if any(reason in str(exc).lower() for reason in _GONE):
                return Outcome.BLOCKED
            logger.warning("send to user %s refused: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        except RetryAfter:
            raise
        except TelegramError as exc:
            logger.warning("send to user %s failed: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        return Outcome.SENT
