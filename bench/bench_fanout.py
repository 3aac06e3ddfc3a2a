"""One reminder fanned out to many subscribers through the fake Bot API, at the limiter's pace.

The fake server runs in its own process and refuses a few sends with 429 (retry_after 1 s).
Reported: messages delivered per second as a fraction of the limiter's rate, messages lost
(subscribers without the reminder) and duplicated, and the time to rebuild every reminder job
at start with 10,000 users and 200 sessions in the database.

    .venv/bin/python bench/bench_fanout.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bench.bench_telegram import FakeProcess  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.clock import FixedClock, parse_now  # noqa: E402
from bot.loading import load_conference, parse_conference  # noqa: E402
from bot.store.models import Delivery, Preference, User  # noqa: E402
from bot.store.store import Store  # noqa: E402
from handlers.telegram.app import FANOUT_POOL, fanout_transport  # noqa: E402
from handlers.telegram.notifier import TelegramNotifier  # noqa: E402
from handlers.telegram.replies import Replier  # noqa: E402
from handlers.telegram.request import RetryingRequest  # noqa: E402
from scheduler.limiter import RateLimiter  # noqa: E402
from scheduler.reminders import Reminders  # noqa: E402
from tests.fakes.telegram_api import TOKEN  # noqa: E402

SESSION = "wizyta-na-kozlowce"  # 15:00 on day 1; the 15-minute reminder
NOW = "2023-11-29 14:45"


async def add_subscribers(store: Store, count: int) -> None:
    """Users with reminders on (15 minutes), written in bulk."""
    now = datetime.now(UTC)
    async with store.sessions.begin() as db:
        await db.execute(
            User.__table__.insert(),
            [
                {"channel": "telegram", "chat_id": str(100_000 + i), "created_at": now, "last_seen_at": now}
                for i in range(count)
            ],
        )
    async with store.sessions.begin() as db:
        ids = [row[0] for row in (await db.execute(User.__table__.select().with_only_columns(User.id))).all()]
        await db.execute(
            Preference.__table__.insert(),
            [
                {
                    "user_id": i,
                    "reminders": True,
                    "lead_minutes": 15,
                    "visit_lead_minutes": 15,
                    "scope": "all",
                    "updated_at": now,
                }
                for i in ids
            ],
        )


async def fan_out(fake: FakeProcess, subscribers: int, rate: float, failures: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite+aiosqlite:///{folder}/bench.db")
        await store.migrate()
        await add_subscribers(store, subscribers)
        conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
        clock = FixedClock(parse_now(NOW, conference.tz))
        request = RetryingRequest(fanout_transport(), flood_waits=False)  # as the bot's fan-out bot
        bot = Bot(TOKEN, base_url=f"{fake.url}/bot", request=request)
        await bot.initialize()
        fake.reset()
        fake._call(
            "/_fake/fail", {"method": "sendMessage", "status": 429, "times": failures, "retry_after": 1}
        )
        notifier = TelegramNotifier(bot, Replier(Assistant(conference, clock)))
        reminders = Reminders(store, notifier, lambda: conference, clock, RateLimiter(rate=rate))
        started = time.perf_counter()
        result = await reminders.fire(SESSION, 15)
        elapsed = time.perf_counter() - started
        chats = Counter(fake._call("/_fake/sent")["chats"])
        async with store.sessions() as db:
            rows = await db.scalar(Delivery.__table__.select().with_only_columns(Delivery.id).limit(1))
        await bot.shutdown()
        await store.close()
    assert rows is not None
    delivered = sum(chats.values())
    return {
        "subscribers": subscribers,
        "rate": rate,
        "seconds": elapsed,
        "per_second": delivered / elapsed,
        "fraction": delivered / elapsed / rate,
        "lost": subscribers - len(chats),
        "duplicated": delivered - len(chats),
        "sent": result.sent,
        "429s": failures,
    }


async def send_floor(fake: FakeProcess, transport: BaseRequest, count: int = 2000) -> float:
    """The library's own floor: PTB's send_message in a bare loop (no ledger, no limiter)."""
    bot = Bot(TOKEN, base_url=f"{fake.url}/bot", request=transport)
    await bot.initialize()
    fake.reset()
    gate = asyncio.Semaphore(32)
    text = "⏰ <b>Za 15 minut, o 15:00</b>: <b>Wizyta studyjna</b>\nGdzie: Na Kozłówce"

    async def one(i: int) -> None:
        async with gate:
            await bot.send_message(100_000 + i, text, parse_mode="HTML")

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    return count / elapsed


def synthetic_conference(sessions: int) -> str:
    """The shipped data with day 2 holding `sessions` extra ten-minute sessions."""
    text = (ROOT / "data" / "miejsca-otwarte-2023.yaml").read_text(encoding="utf-8")
    marker = "      - id: rejestracja\n"
    extra = []
    for i in range(sessions):
        minute = i % 54
        hour = 9 + (i // 54) % 8
        extra.append(
            f"      - id: bench-{i}\n        title: Sesja testowa {i}\n"
            f'        start: "{hour:02d}:{minute:02d}"\n        end: "{hour:02d}:{minute + 5:02d}"\n'
        )
    return text.replace(marker, "".join(extra) + marker, 1)


async def rebuild_time(users: int, sessions: int, repeat: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite+aiosqlite:///{folder}/bench.db")
        await store.migrate()
        await add_subscribers(store, users)
        conference = parse_conference(synthetic_conference(sessions), "bench.yaml")
        from bot.clock import SimulatedClock

        clock = SimulatedClock(parse_now("2023-11-28 12:00", conference.tz))

        class Silent:
            async def send(self, person, reply):  # type: ignore[no-untyped-def]
                raise AssertionError("no job should fire during the bench")

        reminders = Reminders(store, Silent(), lambda: conference, clock)
        reminders.scheduler.start(paused=True)
        times = []
        jobs = 0
        for _ in range(repeat):
            started = time.perf_counter()
            jobs = reminders.rebuild()
            times.append(time.perf_counter() - started)
        reminders.scheduler.shutdown(wait=False)
        await store.close()
    return statistics.median(times), jobs


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    args = parser.parse_args()
    fake = FakeProcess()
    try:
        runs = (
            [(200, 30.0, 3), (1000, 1000.0, 10)]
            if args.quick
            else [(1000, 30.0, 10), (10_000, 1000.0, 50), (10_000, 300.0, 50)]
        )
        header = ("subscribers", "limit/s", "429s", "seconds", "sent/s", "of limit", "lost", "dup")
        print("{:>11} {:>8} {:>5} {:>8} {:>8} {:>9} {:>5} {:>4}".format(*header))
        for subscribers, rate, failures in runs:
            r = await fan_out(fake, subscribers, rate, failures)
            print(
                f"{subscribers:>11} {rate:>8.0f} {failures:>5} {r['seconds']:>8.2f} {r['per_second']:>8.1f} "
                f"{r['fraction']:>9.3f} {r['lost']:>5.0f} {r['duplicated']:>4.0f}"
            )
        for name, make in (
            ("httpx (PTB's default)", lambda: HTTPXRequest(connection_pool_size=FANOUT_POOL)),
            ("aiohttp (the fan-out bot's)", fanout_transport),
        ):
            floor = statistics.median([await send_floor(fake, make()) for _ in range(3)])
            print(f"PTB floor, send_message in a bare loop, 32 at once, {name}: {floor:.0f}/s")
    finally:
        fake.stop()
    users, sessions = (1000, 50) if args.quick else (10_000, 200)
    seconds, jobs = await rebuild_time(users, sessions, repeat=5)
    print(
        f"rebuild all reminder jobs: {jobs} jobs ({sessions} extra sessions x 5 lead times), {users} users: "
        f"{seconds * 1000:.1f} ms (median of 5)"
    )


if __name__ == "__main__":
    asyncio.run(main())
