"""Telegram's sending limits: about 30 messages a second overall and one a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

OVERALL_PER_SECOND = 30.0
PER_CHAT_INTERVAL = 1.0
BURST = 0.05  # seconds of sends a late sender may catch up: 50 at 1,000/s, one at 30/s


class RateLimiter:
    """Spaces sends at `rate` per second overall, and `per_chat` seconds apart per chat.

    Slots are handed out in order of arrival (a virtual schedule, GCRA), so many waiting senders
    cannot burst past the rate. A sender that fell behind — a database write, a garbage
    collection — may catch up by at most `burst` seconds' worth of sends; without that, every
    stall of a busy fan-out would be time lost for good (measured: 0.90–0.97 of 1,000/s).
    """

    def __init__(
        self,
        rate: float = OVERALL_PER_SECOND,
        per_chat: float = PER_CHAT_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        burst: float = BURST,
    ) -> None:
        self.interval = 1.0 / rate
        self.burst = burst
        self.per_chat = per_chat
        self._monotonic = monotonic
        self._next_slot = 0.0
        self._chat_next: dict[str, float] = {}

    def _reserve(self, chat: str) -> float:
        now = self._monotonic()
        earliest = max(now, self._next_slot - self.burst)
        slot = max(earliest, self._chat_next.get(chat, 0.0))
        self._next_slot = max(self._next_slot, slot) + self.interval
        self._chat_next[chat] = slot + self.per_chat
        if len(self._chat_next) > 100_000:  # forget chats whose spacing has long passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        return slot - now

    async def wait(self, chat: str) -> None:
        """Wait for this chat's next slot (reserved at once, so the order is kept)."""
        delay = self._reserve(chat)
        if delay > 0:
            await asyncio.sleep(delay)
