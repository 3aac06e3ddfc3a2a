"""Reminders and announcements out through Telegram, with the outcome the scheduler records."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.reply import Reply
from bot.store.store import Person
from handlers.telegram.replies import Replier
from scheduler.notifier import FloodWait, Outcome, Unreachable

logger = logging.getLogger(__name__)


def flood_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, as a timedelta (handlers/telegram/__init__.py opts in) or a number."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


_GONE = ("chat not found", "user is deactivated", "bot was kicked")


class TelegramNotifier:
    def __init__(self, bot: Bot, replier: Replier, paid: bool = False) -> None:
        self.bot = bot  # its request layer should hand 429s back at once (flood_waits=False)
        self.replier = replier
        # Telegram's paid broadcasts (BOT_PAID_BROADCAST): up to 1,000 messages a second, paid in
        # Stars from the bot's balance — for reminders and announcements only, never answers.
        self.paid = paid

    async def send(self, person: Person, reply: Reply) -> Outcome:
        """One message (and its pin); 5xx and timeouts are retried in the request layer.

        A 429 is never a reason to drop a reminder: it is raised as `FloodWait` for the fan-out
        to wait out (without holding a sending slot) and try again.
        """
        try:
            await self.replier.send(self.bot, int(person.chat_id), reply, paid=self.paid)
        except RetryAfter as exc:
            seconds = flood_seconds(exc)
            logger.warning("send to user %s: flood wait %.0f s", person.id, seconds)
            raise FloodWait(seconds) from None
        except Forbidden:
            return Outcome.BLOCKED  # blocked the bot, or the account is deactivated
        except BadRequest as exc:
            if any(reason in str(exc).lower() for reason in _GONE):
                return Outcome.BLOCKED
            logger.warning("send to user %s refused: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        except NetworkError:  # timeouts and 5xx after the request layer's retries: Telegram is away
            raise Unreachable("Telegram") from None
        except TelegramError as exc:
            logger.warning("send to user %s failed: %s", person.id, type(exc).__name__)
            return Outcome.FAILED
        return Outcome.SENT
