"""Each update answered once, however many processes it reaches.

Behind a load balancer a platform's retry (Telegram after a slow acknowledgement, Meta after a
timeout) may land on another process than the first delivery. Before answering, a process claims
the update in the database (one INSERT, `ON CONFLICT DO NOTHING`); a duplicate is acknowledged and
not answered. Claiming before answering makes an update answered at most once: a process dying
between the claim and the answer loses that one answer, where answering first would double it.

On SQLite there is one process only (bot/store/locks.py refuses a second), so the last few
thousand updates in memory do the same without a database write per update.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.store.store import Store, database_outage

logger = logging.getLogger(__name__)
KEPT = timedelta(days=1)  # platforms redeliver for minutes to hours; a day is well past that
PRUNE_EVERY = 1000  # claims between two prunes in one process: the table stays small
REMEMBERED = 4096  # updates one process remembers; redeliveries come within minutes, far fewer


class Claims(Protocol):
    async def claim(self, channel: str, key: str) -> bool:
        """True if this process is to answer the update; False if it was taken already."""
        ...


class RecentUpdates:
    """The updates this one process took lately, in memory."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def claim(self, channel: str, key: str) -> bool:
        if (channel, key) in self._seen:
            logger.info("%s: update already handled, not answered again", channel)
            return False
        self._seen[(channel, key)] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class HandledUpdates:
    def __init__(self, store: Store, kept: timedelta = KEPT, prune_every: int = PRUNE_EVERY) -> None:
        self.store = store
        self.kept = kept
        self.prune_every = prune_every
        self._claims = 0
        self._pruning: set[asyncio.Task[None]] = set()

    async def claim(self, channel: str, key: str) -> bool:
        """True if this process is to answer the update; False if some process already took it.

        With the database away (or its disk full) the update is answered anyway: a rare double
        answer is better than silence.
        """
        now = datetime.now(UTC)
        try:
            claimed = await self.store.claim_update(channel, key, now)
        except Exception as exc:
            if not database_outage(exc):
                raise
            logger.warning("%s: could not record update as handled (%s)", channel, type(exc).__name__)
            return True
        self._claims += 1
        if self._claims % self.prune_every == 0:  # beside the answers, not in front of one
            task = asyncio.get_running_loop().create_task(self._prune(now))
            self._pruning.add(task)
            task.add_done_callback(self._pruning.discard)
        if not claimed:
            logger.info("%s: update already handled by another delivery, not answered again", channel)
        return claimed

    async def settle(self) -> None:
        """Wait for the prunes under way."""
        await asyncio.gather(*self._pruning)

    async def _prune(self, now: datetime) -> None:
        try:
            pruned = await self.store.prune_updates(now - self.kept)
        except Exception as exc:  # bookkeeping: never costs anyone an answer
            if not database_outage(exc):
                raise
            logger.warning("could not prune handled updates (%s)", type(exc).__name__)
            return
        logger.debug("handled updates: %d older than %s pruned", pruned, self.kept)
