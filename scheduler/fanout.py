"""Sending one reply to many people through the ledger, at the channel's pace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.clock import Clock
from bot.reply import Reply
from bot.store.models import DeliveryKind, DeliveryStatus
from bot.store.store import Claim, Person, Store
from scheduler.limiter import RateLimiter
from scheduler.notifier import Notifier, Outcome

logger = logging.getLogger(__name__)
IN_FLIGHT = 64  # sends awaiting the channel at once; the limiter sets the pace


@dataclass
class FanOutResult:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: bool = False


class FanOut:
    def __init__(
        self, store: Store, notifier: Notifier, clock: Clock, limiter: RateLimiter | None = None
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.limiter = limiter or RateLimiter()

    async def deliver(
        self, people: Sequence[Person], kind: DeliveryKind, key: str, reply: Reply
    ) -> FanOutResult:
        """Claim a ledger row per person, send, record the outcome: at most once per (person, kind, key)."""
        claims = await self.store.claim(people, kind, key, self.clock.now())
        result = FanOutResult()
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(claim: Claim) -> None:
            async with gate:
                await self.limiter.wait(f"{claim.person.channel}:{claim.person.chat_id}")
                try:
                    outcome = await self.notifier.send(claim.person, reply)
                except Exception:  # one person's failure must not stop the others
                    logger.exception("%s %s: sending failed", kind.value, key)
                    outcome = Outcome.FAILED
                finished = self.clock.now()
                if outcome is Outcome.SENT:
                    result.sent += 1
                    await self.store.finish(claim.delivery_id, DeliveryStatus.SENT, finished)
                    return
                if outcome is Outcome.BLOCKED:
                    result.blocked += 1
                    await self.store.mark_blocked(claim.person.id, finished)
                result.failed += 1
                await self.store.finish(claim.delivery_id, DeliveryStatus.FAILED, finished, outcome.value)

        await asyncio.gather(*(one(c) for c in claims))
        logger.info(
            "%s %s: %d sent, %d failed, %d blocked",
            kind.value,
            key,
            result.sent,
            result.failed,
            result.blocked,
        )
        return result
