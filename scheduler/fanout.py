"""Sending one reply to many people through the ledger, at the channel's pace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.metrics import Metrics
from bot.reply import Reply
from bot.store.models import DeliveryKind, DeliveryStatus
from bot.store.store import STALE_CLAIM, Claim, Person, Store
from scheduler.limiter import RateLimiter
from scheduler.notifier import FloodWait, Notifier, Outcome, Unreachable

logger = logging.getLogger(__name__)
# Sends under way at once; the limiter sets the pace. Well above the fan-out bot's 4 connections,
# so a burst of 429s (each waiting out its retry_after, holding no connection) does not stall the
# rest. Measured (bench/bench_fanout.py, 2,000 at 1,000/s with 20 × 429): 4 → ~220/s, 16 → ~365/s,
# 32 → ~410/s; at 30/s, 4 lost 28 % of the pace to the 429s, 16 and 32 none.
IN_FLIGHT = 32
FLOOD_ROUNDS = 10  # rounds of waiting out a 429 before a message counts as failed
MAX_FLOOD_WAIT = 300.0  # seconds; Telegram's retry_after is seconds to a few minutes
CLAIM_BATCH = 100  # people claimed at a time; a crash leaves at most two batches unrecorded


@dataclass
class FanOutResult:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: bool = False  # the whole delivery was not due (the session has started, say)
    withheld: int = 0  # people the channel may not be sent to now, or whose channel is not running
    pending: int = 0  # claims still unfinished after this run (another process, or a dead one)


class Backlog:
    """One delivery's share of the fan-out backlog gauge: what is left of it leaves the gauge
    when the delivery ends, however it ends (a database error, a cancelled task at shutdown)."""

    def __init__(self, metrics: Metrics, size: int) -> None:
        self.gauge = metrics.fanout_backlog
        self.left = size
        self.gauge.inc(size)

    def done(self, count: int) -> None:
        self.left -= count
        self.gauge.dec(count)

    def __enter__(self) -> Backlog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done(self.left)


class FanOut:
    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        limiter: RateLimiter | None = None,
        stale_after: timedelta = STALE_CLAIM,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.limiter = limiter or RateLimiter()
        self.stale_after = stale_after
        self.metrics = metrics or Metrics()

    async def deliver(
        self, people: Sequence[Person], kind: DeliveryKind, key: str, reply: Reply
    ) -> FanOutResult:
        """Claim a ledger row per person, send, record the outcome: at most once per (person, kind, key).

        Claims are taken a batch at a time, right before sending, so after a crash only that batch
        is left claimed-but-unsent (and is retried once its claims go stale). Ledger times are real
        time, not the conference clock: a rehearsal restarts its clock, the ledger must not.
        """
        result = FanOutResult()
        backlog = Backlog(self.metrics, len(people))
        gate = asyncio.Semaphore(IN_FLIGHT)
        outages: set[str] = set()  # channels found unreachable in this delivery, said once each

        async def one(claim: Claim) -> Outcome:
            for _round in range(FLOOD_ROUNDS):
                async with gate:
                    await self.limiter.wait(f"{claim.person.channel}:{claim.person.chat_id}")
                    try:
                        return await self.notifier.send(claim.person, reply)
                    except FloodWait as flood:
                        wait = min(flood.seconds, MAX_FLOOD_WAIT)
                        if isinstance(flood, Unreachable) and flood.channel not in outages:
                            outages.add(flood.channel)
                            logger.warning(
                                "%s %s: %s unreachable, its messages are tried again every %.0f s",
                                kind.value,
                                key,
                                flood.channel,
                                wait,
                            )
                    except Exception:  # one person's failure must not stop the others
                        logger.exception("%s %s: sending failed", kind.value, key)
                        return Outcome.FAILED
                await asyncio.sleep(wait)  # outside the gate: the others keep sending meanwhile
            return Outcome.FAILED

        running: dict[asyncio.Task[Outcome], Claim] = {}
        records: list[tuple[int, DeliveryStatus, str | None]] = []
        blocked: list[int] = []

        def note(done: set[asyncio.Task[Outcome]]) -> None:
            for task in done:
                claim = running.pop(task)
                outcome = task.result()
                backlog.done(1)
                self.metrics.deliveries.labels(kind.value, outcome.value).inc()
                if outcome is Outcome.SENT:
                    result.sent += 1
                    records.append((claim.delivery_id, DeliveryStatus.SENT, None))
                    continue
                if outcome in (Outcome.WITHHELD, Outcome.NO_CHANNEL):
                    result.withheld += 1
                    records.append((claim.delivery_id, DeliveryStatus.SKIPPED, outcome.value))
                    continue
                result.failed += 1
                if outcome is Outcome.BLOCKED:
                    result.blocked += 1
                    blocked.append(claim.person.id)
                records.append((claim.delivery_id, DeliveryStatus.FAILED, outcome.value))

        async def flush() -> None:
            await self.store.finish_many(list(records), list(blocked), datetime.now(UTC))
            records.clear()
            blocked.clear()

        # A pipeline: claim a batch, start its sends, and claim the next once the sends in progress
        # are down to one batch. Outcomes are written a batch at a time, so what a crash can leave
        # claimed (sent or not, unrecorded) is at most two batches.
        with backlog:
            for start in range(0, len(people), CLAIM_BATCH):
                batch = people[start : start + CLAIM_BATCH]
                claims = await self.store.claim(batch, kind, key, datetime.now(UTC), self.stale_after)
                backlog.done(len(batch) - len(claims))  # had it already, or another process has it
                for claim in claims:
                    running[asyncio.create_task(one(claim))] = claim
                while len(running) > CLAIM_BATCH:
                    done, _ = await asyncio.wait(set(running), return_when=asyncio.FIRST_COMPLETED)
                    note(done)
                if len(records) >= CLAIM_BATCH:
                    await flush()
            while running:
                done, _ = await asyncio.wait(set(running), return_when=asyncio.FIRST_COMPLETED)
                note(done)
        await flush()
        result.pending = await self.store.unfinished(kind, key)
        logger.info(
            "%s %s: %d sent, %d failed, %d blocked, %d withheld, %d claimed elsewhere",
            kind.value,
            key,
            result.sent,
            result.failed,
            result.blocked,
            result.withheld,
            result.pending,
        )
        return result
