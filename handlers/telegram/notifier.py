"""Reminders and announcements out through Telegram, with the outcome the scheduler records."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.reply import Reply
from bot.store.store import Person
from handlers.telegram.replies import Replier
from scheduler.notifier import Outcome

logger = logging.getLogger(__name__)
_GONE = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramNotifier:
    def __init__(self, bot: Bot, replier: Replier) -> None:
        self.bot = bot
        self.replier = replier

    async def send(self, person: Person, reply: Reply) -> Outcome:
        """One message (and its pin); retries for 429, 5xx and timeouts happen in the request layer."""
        try:
            await self.replier.send(self.bot, int(person.chat_id), reply)
        except Forbidden:
            return Outcome.BLOCKED  # blocked the bot, or the account is deactivated
        except BadRequest as exc:
            if any(reason in str(exc).lower() for reason in _GONE):
                return Outcome.BLOCKED
            logger.warning("send to user %s refused: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        except TelegramError as exc:
            logger.warning("send to user %s failed: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        return Outcome.SENT
