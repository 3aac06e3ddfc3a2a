"""What organisers can do, for any channel: reload the data, statistics, announcements."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.assistant import Assistant
from bot.changes import change_reply, programme_changes
from bot.loading import DEFAULT_MAX_BYTES, DataError, load_conference
from bot.metrics import Metrics
from bot.model import Conference
from bot.store.models import DeliveryKind
from bot.store.store import Statistics, Store
from handlers.messenger.notifier import WINDOW
from handlers.messenger.sender import CHANNEL
from scheduler.announcements import Announcements
from scheduler.fanout import FanOut
from scheduler.poller import Poller, PollStatus
from scheduler.reminders import Reminders

logger = logging.getLogger(__name__)


def announcement_id(text: str) -> int | None:
    """The announcement number a button carries, or None for anything a database id cannot be
    (a forged tap with thirty digits would overflow the column, "²" is a digit to `isdigit`)."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


@dataclass(frozen=True, slots=True)
class ReloadResult:
    error: DataError | None = None
    sessions: int = 0
    changes: int = 0
    notified: int = 0
    jobs: int = 0


@dataclass
class Operations:
    data_path: Path
    store: Store
    current: Callable[[], Assistant]  # the assistant every channel answers with
    swap: Callable[[Assistant], None]  # puts a new one in its place
    reminders: Reminders | None = None  # set once the channels are up
    fanout: FanOut | None = None
    announcements: Announcements | None = None
    messenger_window: bool = False  # Messenger runs without the event tag: silent people are skipped
    data_max_bytes: int = DEFAULT_MAX_BYTES  # settings.data_max_bytes (BOT_DATA_MAX_MB)
    poller: Poller | None = None  # the live programme's poll, when the programme is at a URL
    metrics: Metrics = field(default_factory=Metrics)
    _reloading: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def load(
        self, fetched: Mapping[str, bytes] | None = None, replaced: Mapping[Path, bytes] | None = None
    ) -> Conference:
        """The data file read, checked and built as a reload does, without putting it in place.

        Runs in a thread, so answers go on meanwhile; a hostile file is refused there within its
        limits (size, nesting, aliases: docs/data-format.md). `fetched`: a programme source at a URL
        as the live poll just downloaded it; `replaced`: local files read from these bytes instead
        (an upload being checked, handlers/uploads.py). `DataError` lists the problems.
        """
        path, limit = self.data_path, self.data_max_bytes
        return await asyncio.to_thread(load_conference, path, limit, fetched, replaced)

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """One reload (or applied upload) at a time: the data file must not change under a reload."""
        async with self._reloading:
            yield

    async def reload(self, fetched: Mapping[str, bytes] | None = None) -> ReloadResult:
        """Read the data file again; a bad file changes nothing, a good one takes over at once."""
        async with self.exclusive():
            return await self.reload_held(fetched)

    async def reload_held(self, fetched: Mapping[str, bytes] | None = None) -> ReloadResult:
        """`reload` for a caller already inside `exclusive()` (an upload swaps the file first)."""
        assert self._reloading.locked()
        old = self.current()
        try:
            conference = await self.load(fetched)
        except DataError as exc:
            logger.warning("reload refused: %d problems in %s", len(exc.issues), self.data_path)
            self.metrics.reloads.labels("failed").inc()
            return ReloadResult(error=exc)
        assistant = await asyncio.to_thread(Assistant, conference, old.clock)
        self.swap(assistant)
        self.metrics.reloads.labels("ok").inc()
        jobs = self.reminders.rebuild() if self.reminders is not None else 0
        # Compares every session with every other (bot/changes.py): a thread keeps a big
        # programme from holding up answers.
        changes = await asyncio.to_thread(programme_changes, old.conference, conference)
        notified = 0
        for change in changes:
            people = await self.store.planned_by(change.before.id)
            if people and self.fanout is not None:
                reply = change_reply(change, old.conference, conference)
                result = await self.fanout.deliver(people, DeliveryKind.CHANGE, change.key, reply)
                notified += result.sent
        logger.info(
            "data reloaded: %d sessions, %d changes, %d notified",
            len(conference.sessions),
            len(changes),
            notified,
        )
        return ReloadResult(None, len(conference.sessions), len(changes), notified, jobs)

    async def apply_source(self, body: bytes) -> str | None:
        """The live poll's new export: reloaded with it (and people told of changes), or why not."""
        assert self.poller is not None
        result = await self.reload({self.poller.url: body})
        if result.error is None:
            return None
        return "; ".join(result.error.lines(3))

    def source_status(self) -> PollStatus | None:
        return self.poller.status if self.poller is not None else None

    async def audience(self) -> tuple[int, int]:
        """Who an announcement would reach, and how many of them Messenger's 24-hour rule skips."""
        people = await self.store.reachable()
        if not self.messenger_window:
            return len(people), 0
        cutoff = datetime.now(UTC) - WINDOW
        silent = sum(
            1 for p in people if p.channel == CHANNEL and (p.last_seen is None or p.last_seen <= cutoff)
        )
        return len(people), silent

    async def statistics(self) -> Statistics:
        return await self.store.statistics()
