"""Announcements to everyone, a page of the audience at a time, each person once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.reply import Reply
from bot.store.store import Person, Store
from scheduler import announcements as announcements_module
from scheduler.announcements import Announcements
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.notifier import Outcome

NOW = datetime(2023, 11, 29, 12, 0, tzinfo=UTC)


@dataclass
class Joining:
    """Records each send; while the first is sent, someone new writes to the bot."""

    store: Store
    sent: list[str] = field(default_factory=list)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        if not self.sent:
            await self.store.touch("telegram", "late", NOW)
        self.sent.append(person.chat_id)
        return Outcome.SENT


async def test_an_announcement_goes_page_by_page_to_everyone_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announcements_module, "AUDIENCE_PAGE", 3)
    people = [await store.touch("telegram", str(i), NOW) for i in range(7)]
    await store.mark_blocked(people[4].id, NOW)
    channel = Joining(store)
    announcements = Announcements(store, FanOut(store, channel, RateLimiter(rate=100_000, per_chat=0)))
    number = await announcements.draft("Obiad o 13:30", "1")
    result = await announcements.send(number)
    assert result is not None and result.sent == 7 and result.pending == 0
    assert sorted(channel.sent) == sorted(["0", "1", "2", "3", "5", "6", "late"])  # the blocked one not
    assert await store.unfinished_announcements() == []
    assert await announcements.send(number) is None  # a second tap sends nothing
    assert len(channel.sent) == 7
