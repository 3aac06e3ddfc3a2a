"""Sending one reply to many people through the ledger, at the channel's pace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.reply import Reply
from bot.store.models import DeliveryKind, DeliveryStatus
from bot.store.store import STALE_CLAIM, Claim, Person, Store
from scheduler.limiter import RateLimiter
from scheduler.notifier import Notifier, Outcome

logger = logging.getLogger(__name__)
IN_FLIGHT = 64  # sends awaiting the channel at once; the limiter sets the pace
CLAIM_BATCH = 64  # people claimed at a time: at most this many can be left in flight by a crash


@dataclass
class FanOutResult:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: bool = False
    pending: int = 0  # claims still unfinished after this run (another process, or a dead one)


class FanOut:
    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        clock: Clock,
        limiter: RateLimiter | None = None,
        stale_after: timedelta = STALE_CLAIM,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self.stale_after = stale_after

    async def deliver(
        self, people: Sequence[Person], kind: DeliveryKind, key: str, reply: Reply
    ) -> FanOutResult:
        """Claim a ledger row per person, send, record the outcome: at most once per (person, kind, key).

        Claims are taken a batch at a time, right before sending, so after a crash only that batch
        is left claimed-but-unsent (and is retried once its claims go stale). Ledger times are real
        time, not the conference clock: a rehearsal restarts its clock, the ledger must not.
        """
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
                finished = datetime.now(UTC)
                if outcome is Outcome.SENT:
                    result.sent += 1
                    await self.store.finish(claim.delivery_id, DeliveryStatus.SENT, finished)
                    return
                if outcome is Outcome.BLOCKED:
                    result.blocked += 1
                    await self.store.mark_blocked(claim.person.id, finished)
                result.failed += 1
                await self.store.finish(claim.delivery_id, DeliveryStatus.FAILED, finished, outcome.value)

        for start in range(0, len(people), CLAIM_BATCH):
            batch = people[start : start + CLAIM_BATCH]
            claims = await self.store.claim(batch, kind, key, datetime.now(UTC), self.stale_after)
            await asyncio.gather(*(one(c) for c in claims))
        result.pending = await self.store.unfinished(kind, key)
        logger.info(
            "%s %s: %d sent, %d failed, %d blocked, %d claimed elsewhere",
            kind.value,
            key,
            result.sent,
            result.failed,
            result.blocked,
            result.pending,
        )
        return result
