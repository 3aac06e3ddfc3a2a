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


class FloodWait(Exception):
    """The channel asks to wait `seconds` before this message is tried again (Telegram's 429).

    Raised rather than waited out inside the channel, so the fan-out can wait without holding
    one of its in-flight slots: a burst of 429s then does not stall everyone else's messages.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood wait {seconds:g} s")
        self.seconds = seconds


class Unreachable(FloodWait):
    """The channel's platform cannot be reached now (after its own retries): a network outage at
    Telegram or Meta. The message is tried again after `seconds`, as after a flood wait, instead of
    being recorded as failed for good; the fan-out says so once, not once per person."""

    WAIT = 30.0  # seconds between tries; with the fan-out's ten tries, about five minutes in all

    def __init__(self, channel: str, seconds: float = WAIT) -> None:
        super().__init__(seconds)
        self.channel = channel


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
