"""Reminders and announcements out through Messenger, within Meta's 24-hour rule.

Inside 24 hours of the person's last message a message goes as a normal update. Outside it,
only with the CONFIRMED_EVENT_UPDATE tag (reminders of an event the person signed up for), and
only when the operator turned that on; otherwise it is withheld and counted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.reply import Reply
from bot.store.store import Person
from handlers.messenger.graph import GraphError, Problem
from handlers.messenger.sender import MESSAGE_TAG, UPDATE, Sender
from scheduler.notifier import Outcome, Unreachable

logger = logging.getLogger(__name__)
WINDOW = timedelta(hours=24)
EVENT_TAG = "CONFIRMED_EVENT_UPDATE"


def real_now() -> datetime:
    return datetime.now(UTC)


class MessengerNotifier:
    def __init__(self, sender: Sender, tag_allowed: bool, now: Callable[[], datetime] = real_now) -> None:
        self.sender = sender
        self.tag_allowed = tag_allowed
        self.now = now  # real time: the window is Meta's, not the conference clock

    def inside_window(self, person: Person) -> bool:
        return person.last_seen is not None and self.now() - person.last_seen < WINDOW

    async def send(self, person: Person, reply: Reply) -> Outcome:
        if self.inside_window(person):
            messaging_type, tag = UPDATE, None
        elif self.tag_allowed:
            messaging_type, tag = MESSAGE_TAG, EVENT_TAG
        else:
            return Outcome.WITHHELD
        try:
            await self.sender.send(person.chat_id, reply, messaging_type=messaging_type, tag=tag)
        except GraphError as exc:
            if exc.problem is Problem.GONE:
                return Outcome.BLOCKED
            if exc.problem is Problem.OUTSIDE_WINDOW:
                return Outcome.WITHHELD
            if exc.problem is Problem.RETRY:  # network, 5xx, rate limits after the retries
                raise Unreachable("Messenger") from None
            logger.warning("send to user %s failed: %s", person.id, exc)
            return Outcome.FAILED
        return Outcome.SENT
