"""What the scheduler needs from a channel: send one reply to one person, say how it went."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.reply import Reply
from bot.store.store import Person


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot or deleted the chat: stop sending
    FAILED = "failed"  # anything else, after the channel's own retries


class Notifier(Protocol):
    async def send(self, person: Person, reply: Reply) -> Outcome: ...
