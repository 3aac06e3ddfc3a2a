"""Organisers' announcements: drafted, confirmed, then sent to everyone through the ledger.

Sending is resumable: a confirmed announcement not marked finished (the process died while
sending) is sent again at start, and the ledger skips everyone who already has it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.reply import Reply, ReplyBuilder, bold
from bot.store.models import DeliveryKind
from bot.store.store import Store
from scheduler.fanout import FanOut, FanOutResult

MAX_PASSES = 5  # passes over claims a crashed process left behind
AUDIENCE_PAGE = 5_000  # people loaded at a time (100,000 at once held ~40 MB: bench/bench_users.py)
MAX_LENGTH = 3500  # leaves room for the heading within one Telegram message


def announcement_reply(text: str) -> Reply:
    return ReplyBuilder().line("📢 ", bold("Ogłoszenie organizatorów")).line(text).build()


class Announcements:
    def __init__(self, store: Store, fanout: FanOut) -> None:
        self.store = store
        self.fanout = fanout

    async def draft(self, text: str, author: str) -> int:
        return await self.store.create_announcement(text[:MAX_LENGTH], author, datetime.now(UTC))

    async def send(self, announcement_id: int) -> FanOutResult | None:
        """Confirm and send; None if it was already confirmed (a second tap)."""
        if not await self.store.confirm_announcement(announcement_id, datetime.now(UTC)):
            return None
        return await self._deliver(announcement_id)

    async def resume(self) -> list[FanOutResult]:
        """Finish every confirmed announcement a crash interrupted."""
        return [await self._deliver(a.id) for a in await self.store.unfinished_announcements()]

    async def _deliver(self, announcement_id: int) -> FanOutResult:
        row = await self.store.announcement(announcement_id)
        assert row is not None
        reply = announcement_reply(row.text)
        total = FanOutResult()
        for _attempt in range(MAX_PASSES):
            # A page of the audience at a time: memory stays that of one page, whoever joins
            # meanwhile (a higher id) is reached too, and the ledger skips whoever has it already.
            after, total.pending = 0, 0
            while people := await self.store.reachable(after, AUDIENCE_PAGE):
                key = str(announcement_id)
                result = await self.fanout.deliver(people, DeliveryKind.ANNOUNCEMENT, key, reply)
                total.sent += result.sent
                total.failed += result.failed
                total.blocked += result.blocked
                total.withheld += result.withheld
                total.pending = result.pending  # the key's unfinished claims, all pages so far
                after = people[-1].id
            if not total.pending:
                await self.store.finish_announcement(announcement_id, datetime.now(UTC))
                break
            # Claims left by a process that died mid-send: take them over once they are stale.
            await asyncio.sleep(self.fanout.stale_after.total_seconds() + 1)
        return total
