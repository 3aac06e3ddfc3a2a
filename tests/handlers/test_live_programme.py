"""A live programme: the data file takes its programme from a URL, which `run` polls and reloads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.loading import load_conference
from bot.reply import Reply
from bot.store.store import Person, Store
from handlers.operations import Operations
from handlers.reports import statistics_reply
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.notifier import Outcome
from scheduler.poller import Poller
from tests.bot.formats.test_frab import WARSAW_NIGHT
from tests.bot.formats.test_loading_hook import FESTIVAL_YAML
from tests.fakes.export_server import Export, export_server


@dataclass
class _Recorder:
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, person: Person, reply: Reply) -> Outcome:
        self.sent.append((person.chat_id, reply.plain_text))
        return Outcome.SENT


@dataclass
class _Live:
    export: Export
    operations: Operations
    poller: Poller
    recorder: _Recorder
    holder: list[Assistant]


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[_Live]:
    with export_server() as (export, base):
        export.body = WARSAW_NIGHT.encode()
        data = tmp_path / "dane.yaml"
        data.write_text(FESTIVAL_YAML.replace("source: programy/noc.xml", f"source: {base}/noc.xml"), "utf-8")
        conference = load_conference(data)  # as `run` loads it at start
        holder = [Assistant(conference, FixedClock(parse_now("2024-10-26 20:00", conference.tz)))]
        store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
        await store.migrate()
        recorder = _Recorder()
        operations = Operations(
            data, store, current=lambda: holder[0], swap=lambda new: holder.__setitem__(0, new)
        )
        operations.fanout = FanOut(store, recorder, RateLimiter(rate=100_000, per_chat=0))
        poller = Poller(f"{base}/noc.xml", operations.apply_source)
        operations.poller = poller
        try:
            yield _Live(export, operations, poller, recorder, holder)
        finally:
            await poller.stop()
            await store.close()


async def test_a_changed_export_reloads_and_tells_those_who_planned_it(live: _Live) -> None:
    store = live.operations.store
    person = await store.touch("telegram", "42", datetime.now(UTC))
    concert = next(s for s in live.holder[0].conference.sessions if s.id == "101")
    await store.add_to_plan(person.id, concert.id, datetime.now(UTC))
    assert concert.start.strftime("%H:%M") == "22:30"

    assert await live.poller.poll()  # the first poll takes the export as it is: nothing to tell
    assert live.recorder.sent == []
    assert not await live.poller.poll()  # a 304

    live.export.body = (
        WARSAW_NIGHT.replace("T22:30:00+02:00", "T23:00:00+02:00")
        .replace("<start>22:30</start>", "<start>23:00</start>")
        .encode()
    )
    live.export.etag = '"v2"'
    assert await live.poller.poll()
    moved = live.holder[0].conference.session("101")
    assert moved is not None and moved.start.strftime("%H:%M") == "23:00"
    assert len(live.recorder.sent) == 1 and live.recorder.sent[0][0] == "42"
    assert "23:00" in live.recorder.sent[0][1]
    assert not await live.poller.poll() and len(live.recorder.sent) == 1  # told once


async def test_a_broken_export_keeps_the_programme_and_says_so_in_statistics(live: _Live) -> None:
    before = live.holder[0].conference
    live.export.body, live.export.etag = b"<schedule><conference>", '"broken"'
    assert not await live.poller.poll()
    assert live.holder[0].conference is before
    status = live.operations.source_status()
    assert status is not None and status.problem is not None
    reply = statistics_reply(await live.operations.statistics(), source=status).plain_text
    assert "Nowa wersja programu nie weszła" in reply and "obowiązuje dotychczasowa" in reply
    live.export.status = 503  # and unreachable: still the same programme
    assert not await live.poller.poll() and live.holder[0].conference is before
    assert "503" in (live.operations.source_status() or status).problem  # type: ignore[operator]
