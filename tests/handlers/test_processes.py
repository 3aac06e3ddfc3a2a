"""Several `python -m bot run` processes in webhook mode on one real PostgreSQL and the fake Bot API.

The evidence that N processes behind a load balancer behave as one: updates sent to each in turn
are answered once; an update delivered to two or three of them is answered once; a reminder fanned
out to 1,000 subscribers reaches each once; and when the process running the scheduler is killed
(SIGKILL) in the middle of a fan-out, another takes over within 10 s and everyone still gets it —
once, or twice for the few the dead process had in flight. And SQLite refuses a second process.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, text

from bot.model import Conference
from bot.reminders import Scope
from bot.store.models import Base, Delivery, DeliveryStatus, PlanItem, Preference, User
from bot.store.store import Store
from handlers.telegram.app import SECRET_HEADER, WEBHOOK_PATH
from scheduler.reminders import reminder_key
from tests.bot.test_cli_outages import BotProcess
from tests.fakes import updates
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port

SECRET = "several_Secret-1"
PROCESSES = 3
SUBSCRIBERS = 1000
CALM = "wizyta-nad-potokiem"  # 15:00 on day 1: its 15-minute reminder falls due at 14:45
KILLED = "wizyta-na-kozlowce"  # 15:00 as well; planned by the second run's subscribers
NOW = "2023-11-29 14:44:58"  # each process starts its clock here: the reminders fire 2 s in
FIRST_CHAT = 500_000  # subscribers' chats: 500,000 + n for the first run, 600,000 + n for the second
TAKEOVER = 10.0  # seconds within which another process must lead


async def _reset(store: Store) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with store.engine.begin() as db:
        await db.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


async def _subscribe(store: Store, first_chat: int, session_id: str) -> None:
    """`SUBSCRIBERS` people who want a 15-minute reminder for the one session in their plan."""
    now = datetime.now(UTC)
    async with store.engine.begin() as db:
        rows = [
            {"channel": "telegram", "chat_id": str(first_chat + n), "created_at": now, "last_seen_at": now}
            for n in range(SUBSCRIBERS)
        ]
        ids = [row.id for row in await db.execute(insert(User).returning(User.id), rows)]
        preference = {"reminders": True, "lead_minutes": 15, "visit_lead_minutes": 15, "updated_at": now}
        scope = Scope.PLAN.value
        await db.execute(insert(Preference), [{"user_id": i, "scope": scope, **preference} for i in ids])
        await db.execute(
            insert(PlanItem), [{"user_id": i, "session_id": session_id, "added_at": now} for i in ids]
        )


@pytest.fixture
async def shared(postgres_url: str) -> AsyncIterator[Store]:
    """The session's PostgreSQL, emptied before and after (other tests share the server)."""
    store = Store.open(postgres_url)
    await store.migrate()
    await _reset(store)
    try:
        yield store
    finally:
        await _reset(store)
        await store.close()


class Cluster:
    """`PROCESSES` bot processes, each in its own folder and on its own port, one database."""

    def __init__(self, root: Path, api: FakeBotApi, url: str, **env: str) -> None:
        self.bots: list[BotProcess] = []
        self.clients: list[httpx.Client] = []
        for number in range(PROCESSES):
            folder = root / f"bot{number}"
            folder.mkdir(parents=True)
            port = free_port()
            values = {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "BOT_PORT": str(port),
                "DATABASE_URL": url,
                "BOT_NOW": NOW,
                "BOT_CLAIM_TIMEOUT": "2",
                **env,
            }
            self.bots.append(BotProcess(folder, **values))
            self.clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10))

    def wait_running(self) -> None:
        for bot in self.bots:
            bot.wait_lines(r"bot running: Telegram \(webhook\)", timeout=60)

    def post(self, number: int, update: dict[str, Any]) -> None:
        response = self.clients[number].post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200, response.text  # a duplicate is acknowledged all the same

    def leaders(self) -> list[int]:
        """The processes whose /readyz says they run the scheduler (a dead one says nothing)."""
        found = []
        for number, (bot, client) in enumerate(zip(self.bots, self.clients, strict=True)):
            if bot.process.poll() is not None:
                continue
            try:
                if client.get("/readyz").json()["scheduler"]:
                    found.append(number)
            except httpx.TransportError:
                continue
        return found

    def stop(self) -> list[int]:
        """SIGTERM to the living, all at once; their exit codes."""
        living = [bot for bot in self.bots if bot.process.poll() is None]
        for bot in living:
            bot.process.send_signal(signal.SIGTERM)
        codes = [bot.wait(timeout=30) for bot in living]  # a second SIGTERM would kill it outright
        self.close()
        return codes

    def close(self) -> None:
        for client in self.clients:
            client.close()
        for bot in self.bots:
            bot.close()


@contextmanager
def cluster(root: Path, api: FakeBotApi, url: str, **env: str) -> Iterator[Cluster]:
    started = Cluster(root, api, url, **env)
    try:
        started.wait_running()
        yield started
    finally:
        started.close()


def reminders_received(api: FakeBotApi, first_chat: int) -> Counter[int]:
    """How many reminders each subscriber of a run received."""
    got: Counter[int] = Counter()
    for call in api.calls_of("sendMessage"):
        chat = call.chat_id
        if chat is not None and first_chat <= chat < first_chat + SUBSCRIBERS and call.text.startswith("⏰"):
            got[chat] += 1
    return got


def wait(condition: Any, what: str, timeout: float, bots: list[BotProcess]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n" + bots[0].log[-3000:]
        time.sleep(0.02)


async def test_several_processes_answer_each_update_once_and_send_each_reminder_once(
    tmp_path: Path, fake_api: FakeBotApi, shared: Store, postgres_url: str, conference: Conference
) -> None:
    # The first run: three processes, updates to each, one reminder to 1,000 people -----------------
    await _subscribe(shared, FIRST_CHAT, CALM)
    with cluster(tmp_path / "first", fake_api, postgres_url, BOT_SEND_RATE="500") as bots:
        chats = [2001 + n for n in range(2 * PROCESSES)]
        for n, chat in enumerate(chats):  # each process in turn
            bots.post(n % PROCESSES, updates.message(chat, "co jest teraz?", update_id=900_000 + n))
        twice, thrice = updates.message(3001, "/teraz", update_id=900_100), updates.message(3002, "/dalej")
        with ThreadPoolExecutor(PROCESSES) as pool:  # at the same moment, as a retry after a timeout
            list(pool.map(bots.post, [0, 1], [twice, twice]))
            list(pool.map(bots.post, range(PROCESSES), [thrice] * PROCESSES))
        answered = [*chats, 3001, 3002]
        wait(lambda: all(fake_api.sent(c) for c in answered), "the answers", 30, bots.bots)
        wait(
            lambda: len(reminders_received(fake_api, FIRST_CHAT)) == SUBSCRIBERS,
            "the first reminder to reach everyone",
            60,
            bots.bots,
        )
        assert len(bots.leaders()) == 1
        await asyncio.sleep(1)  # anything sent twice would have arrived by now
        assert [len(fake_api.sent(c)) for c in answered] == [1] * len(answered)
        assert set(reminders_received(fake_api, FIRST_CHAT).values()) == {1}
        assert bots.stop() == [0] * PROCESSES

    # The second run: the leader killed mid fan-out ------------------------------------------------
    await _subscribe(shared, FIRST_CHAT + 100_000, KILLED)
    fake_api.clear()
    second = FIRST_CHAT + 100_000
    with cluster(tmp_path / "second", fake_api, postgres_url, BOT_SEND_RATE="150") as bots:
        wait(
            lambda: len(reminders_received(fake_api, second)) >= SUBSCRIBERS // 4,
            "the fan-out",
            60,
            bots.bots,
        )
        [leader] = bots.leaders()
        bots.bots[leader].process.send_signal(signal.SIGKILL)
        bots.bots[leader].process.wait(10)
        killed_at = time.monotonic()
        await asyncio.sleep(0.2)  # requests the dead process had on the wire reach the fake
        before = sum(reminders_received(fake_api, second).values())
        async with shared.sessions() as db:
            in_flight = await db.scalar(
                select(func.count()).where(
                    Delivery.key == reminder_key(conference.session(KILLED)),  # type: ignore[arg-type]
                    Delivery.status == DeliveryStatus.CLAIMED.value,
                )
            )
        wait(lambda: bool(bots.leaders()), "another process to take over", TAKEOVER, bots.bots)
        took_over = time.monotonic() - killed_at
        [successor] = bots.leaders()
        assert successor != leader
        wait(
            lambda: len(reminders_received(fake_api, second)) == SUBSCRIBERS,
            "the second reminder to reach everyone",
            60,
            bots.bots,
        )
        await asyncio.sleep(1)
        received = reminders_received(fake_api, second)
        duplicates = sum(count - 1 for count in received.values())
        print(
            f"several processes: {before} of {SUBSCRIBERS} delivered at SIGKILL, {in_flight} in flight, "
            f"taken over in {took_over:.1f} s, {duplicates} sent twice"
        )
        assert max(received.values()) <= 2 and duplicates <= (in_flight or 0)
        assert not reminders_received(fake_api, FIRST_CHAT)  # the first reminder is not sent again
        assert sorted(bots.stop()) == [0] * (PROCESSES - 1)
        assert "runs the reminders now" in bots.bots[successor].log


def test_a_second_process_on_one_sqlite_file_is_refused_naming_it(
    tmp_path: Path, fake_api: FakeBotApi
) -> None:
    database = tmp_path / "shared.db"
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake_api.base_url,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = BotProcess(tmp_path / "first", **env)
    try:
        first.wait_lines(r"bot running", timeout=60)
        second = BotProcess(tmp_path / "second", **env)
        assert second.wait(timeout=60) == 2
        assert str(database) in second.log and "już używany" in second.log and "Traceback" not in second.log
        assert first.process.poll() is None  # the first runs on
    finally:
        assert first.stop() == 0
