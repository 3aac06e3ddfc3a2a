"""What the scheduler needs from a channel: send one reply to one person, say how it went."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from bot.reply import Reply
from bot.store.store import Person


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot or deleted the chat: stop sending
    FAILED = "failed"  # anything else, after the channel's own retries
    WITHHELD = "withheld"  # the channel's policy forbids it now (Messenger's 24-hour window)
    NO_CHANNEL = "no_channel"  # the person's channel is not configured in this process


class Notifier(Protocol):
    async def send(self, person: Person, reply: Reply) -> Outcome: ...


class ChannelNotifier:
    """Sends through the person's own channel; people of a channel not running here are skipped."""

    def __init__(self, channels: Mapping[str, Notifier]) -> None:
        self.channels = dict(channels)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        channel = self.channels.get(person.channel)
        if channel is None:
            return Outcome.NO_CHANNEL
        return await channel.send(person, reply)
