"""100,000 users in the database: rebuilding the reminder jobs, and the process's memory.

For each backend (SQLite; PostgreSQL with --postgres) and each population (a baseline, then the full
count), a fresh database is filled in bulk (SQLAlchemy Core executemany, not the per-message path)
with a realistic mix: Telegram and Messenger people, about 4 in 10 with reminders on at various lead
times, some reminded only before their plan, plans of a few sessions, a few who blocked the bot.
Then a fresh process, as the bot would be at start, measures:

- the reminder jobs' rebuild (`Reminders.start()` at start, `rebuild()` on a data reload that
  changed nothing) with the scheduler running, for the shipped programme, 39C3's 214 sessions and
  the shipped one plus 1,000 synthetic sessions: jobs, milliseconds (wall and CPU);
- RSS (VmRSS) at start and with the jobs in place, and its peak (VmHWM, reset before each step)
  while loading one reminder's subscribers, during that reminder's fan-out (a counting notifier,
  no network, no rate limit: the pipeline's own pace), while loading an announcement's audience
  (everyone not blocked) and during that announcement's fan-out.

Each step runs in its own process, so one step's garbage does not inflate the next one's RSS.

    .venv/bin/python bench/bench_users.py [--users 100000] [--baseline 10000] [--repeat 5] [--postgres]
                                          [--no-announcement]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, func, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.bench_fanout import synthetic_conference  # noqa: E402
from bot.clock import FixedClock, SimulatedClock  # noqa: E402
from bot.loading import load_conference, parse_conference  # noqa: E402
from bot.model import Conference  # noqa: E402
from bot.reminders import Scope  # noqa: E402
from bot.reply import Reply  # noqa: E402
from bot.store.models import PlanItem, Preference, User  # noqa: E402
from bot.store.store import Person, Store  # noqa: E402
from handlers.serve import settle_heap  # noqa: E402
from scheduler.announcements import Announcements  # noqa: E402
from scheduler.fanout import FanOutResult  # noqa: E402
from scheduler.limiter import RateLimiter  # noqa: E402
from scheduler.notifier import ChannelNotifier, Outcome  # noqa: E402
from scheduler.reminders import Reminders  # noqa: E402

PROGRAMMES = {"miejsca-otwarte-2023": "miejsca-otwarte-2023.yaml", "39c3-2025": "39c3-2025.yaml"}
FANOUT_PROGRAMME = "miejsca-otwarte-2023"
FANOUT_SESSION = "otwarcie"  # the opening plenary, 09:30 on day 2: not a visit, in many plans
FANOUT_LEAD = 15  # the default lead time, so the biggest audience
SYNTHETIC_SESSIONS = 1000  # a third programme for the rebuild: the shipped one plus this many
CHUNK = 5000  # rows per executemany: keeps the filler's own memory small

# The mix. Shares of all users unless said otherwise.
MESSENGER = 0.3
BLOCKED = 0.04
WITH_PREFERENCES = 0.45  # touched /przypomnienia at some point
REMINDERS_ON = 0.85  # of those: the rest turned them off again
LEAD_WEIGHTS = {5: 10, 10: 15, 15: 50, 30: 15, 60: 10}
VISIT_LEAD_WEIGHTS = {15: 15, 30: 55, 60: 30}
PLAN_SCOPE = 0.3  # of those with reminders: only before sessions in their plan
WITH_PLAN = 0.3
PLAN_SIZES = (1, 2, 3, 4, 5)
BLOCKS_DURING_FANOUT = 200  # every this-many-th person "blocked the bot" when reminded
USERS, PREFERENCES, PLAN_ITEMS = (cast(Table, model.__table__) for model in (User, Preference, PlanItem))


# Measuring --------------------------------------------------------------------------------------


def _status(field: str) -> float:
    """A /proc/self/status figure in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def rss() -> float:
    return _status("VmRSS")


def reset_peak() -> None:
    """Start a new VmHWM (peak RSS) measurement from the current RSS (Linux 4.0+)."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")


def peak() -> float:
    return _status("VmHWM")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class Timer:
    """Wall and CPU time (the whole process's: aiosqlite's thread included) of a block. The CPU
    figure is the steadier one on a shared machine."""

    def __enter__(self) -> Timer:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


# Filling the database ---------------------------------------------------------------------------


def weighted(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), list(weights.values()))[0]


def population(
    count: int, plan_sessions: list[str], now: datetime, seed: int = 13
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Users, preferences and plan items, a chunk of users at a time (ids 1..count)."""
    rng = random.Random(seed)
    for first in range(1, count + 1, CHUNK):
        users: list[dict[str, Any]] = []
        prefs: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        for user_id in range(first, min(first + CHUNK, count + 1)):
            messenger = rng.random() < MESSENGER
            created = now - timedelta(days=rng.uniform(0, 30))
            seen = max(created, now - timedelta(hours=rng.expovariate(1 / 20)))  # most seen lately
            users.append(
                {
                    "id": user_id,
                    "channel": "messenger" if messenger else "telegram",
                    "chat_id": str(7_000_000_000_000_000 + user_id if messenger else 100_000_000 + user_id),
                    "created_at": created,
                    "last_seen_at": seen,
                    "blocked_at": seen + timedelta(minutes=5) if rng.random() < BLOCKED else None,
                }
            )
            if rng.random() < WITH_PREFERENCES:
                prefs.append(
                    {
                        "user_id": user_id,
                        "reminders": rng.random() < REMINDERS_ON,
                        "lead_minutes": weighted(rng, LEAD_WEIGHTS),
                        "visit_lead_minutes": weighted(rng, VISIT_LEAD_WEIGHTS),
                        "scope": (Scope.PLAN if rng.random() < PLAN_SCOPE else Scope.ALL).value,
                        "updated_at": seen,
                    }
                )
            if rng.random() < WITH_PLAN:
                for session_id in rng.sample(plan_sessions, rng.choice(PLAN_SIZES)):
                    plans.append({"user_id": user_id, "session_id": session_id, "added_at": seen})
        yield users, prefs, plans


async def fill(url: str, count: int) -> dict[str, Any]:
    """A fresh database with `count` users; the filler's RSS before and after, and its pace."""
    conference = load_conference(ROOT / "data" / PROGRAMMES[FANOUT_PROGRAMME])
    plan_sessions = [s.id for s in conference.sessions if s.kind.reminders]
    store = Store.open(url)
    await store.migrate()
    gc.collect()
    before = rss()
    reset_peak()
    started = time.perf_counter()
    rows = Counter[str]()
    now = datetime.now(UTC)
    async with store.sessions.begin() as db:
        for users, prefs, plans in population(count, plan_sessions, now):
            await db.execute(USERS.insert(), users)
            if prefs:
                await db.execute(PREFERENCES.insert(), prefs)
            if plans:
                await db.execute(PLAN_ITEMS.insert(), plans)
            rows.update(users=len(users), preferences=len(prefs), plan_items=len(plans))
        if store.engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
            await db.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), :n)"), {"n": count})
    seconds = time.perf_counter() - started
    async with store.sessions() as db:
        if store.engine.dialect.name == "postgresql":
            await db.execute(text("ANALYZE"))
        blocked = await db.scalar(select(func.count()).where(User.blocked_at.is_not(None)))
        reminded = await db.scalar(select(func.count()).where(Preference.reminders.is_(True)))
        messenger = await db.scalar(select(func.count()).where(User.channel == "messenger"))
    await store.close()
    return {
        "rows": dict(rows),
        "blocked": blocked,
        "reminders_on": reminded,
        "messenger": messenger,
        "fill_seconds": round(seconds, 2),
        "fill_rss_before": round(before, 1),
        "fill_rss_after": round(rss(), 1),
        "fill_rss_peak": round(peak(), 1),
    }


# The bot's side ---------------------------------------------------------------------------------


@dataclass
class CountingNotifier:
    """A channel that sends nothing: counts, refuses a few as blocked, and (Messenger) withholds
    from people outside the 24-hour window, as the real one does."""

    window: timedelta | None = None
    sent: int = 0

    async def send(self, person: Person, reply: Reply) -> Outcome:
        if person.id % BLOCKS_DURING_FANOUT == 0:
            return Outcome.BLOCKED
        if self.window is not None and (
            person.last_seen is None or datetime.now(UTC) - person.last_seen >= self.window
        ):
            return Outcome.WITHHELD
        self.sent += 1
        return Outcome.SENT


class Silent:
    async def send(self, person: Person, reply: Reply) -> Outcome:
        raise AssertionError("no reminder job may fire during the rebuild bench")


async def settled() -> None:
    """Wait until the loop has run every callback queued so far (APScheduler's wake-ups)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    loop.call_soon_threadsafe(done.set_result, None)
    await done


async def time_rebuilds(store: Store, conference: Conference, repeat: int) -> dict[str, Any]:
    """start() once (the first build), then `repeat` rebuilds (a data reload), scheduler running."""
    clock = SimulatedClock(conference.sessions[0].start - timedelta(days=2))  # every session ahead
    reminders = Reminders(store, Silent(), lambda: conference, clock)
    with Timer() as first:
        jobs = reminders.start()
        await settled()
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        with Timer() as timer:
            jobs = reminders.rebuild()
            await settled()
        walls.append(timer.wall)
        cpus.append(timer.cpu)
    in_scheduler = len(reminders.scheduler.get_jobs())
    gc.collect()
    held = rss()  # the jobs still in place
    reminders.stop()
    await asyncio.sleep(0)  # the scheduler shuts down on the loop's next turn
    return {
        "sessions": len(conference.sessions),
        "jobs": jobs,
        "in_scheduler": in_scheduler,
        "start_ms": ms(first.wall),
        "start_cpu_ms": ms(first.cpu),
        "rebuild_ms": ms(statistics.median(walls)),
        "rebuild_cpu_ms": ms(statistics.median(cpus)),
        "rss": round(held, 1),
    }


def fanout_figures(result: FanOutResult, timer: Timer, before: float) -> dict[str, Any]:
    handled = result.sent + result.failed + result.withheld
    return {
        "seconds": round(timer.wall, 2),
        "cpu_seconds": round(timer.cpu, 2),
        "per_second": round(handled / timer.wall),
        "cpu_ms_per_person": round(timer.cpu * 1000 / handled, 3),
        "sent": result.sent,
        "withheld": result.withheld,
        "blocked": result.blocked,
        "rss_before": round(before, 1),
        "rss_peak": round(peak(), 1),
    }


def counting_channels() -> tuple[ChannelNotifier, CountingNotifier, CountingNotifier]:
    telegram, messenger = CountingNotifier(), CountingNotifier(window=timedelta(hours=24))
    return ChannelNotifier({"telegram": telegram, "messenger": messenger}), telegram, messenger


async def measure(url: str, repeat: int, announcement: bool) -> dict[str, Any]:
    """A process as the bot at start on a full database: rebuild, then the heavy reads and fan-outs."""
    conferences = {name: load_conference(ROOT / "data" / file) for name, file in PROGRAMMES.items()}
    conferences[f"shipped+{SYNTHETIC_SESSIONS}"] = parse_conference(
        synthetic_conference(SYNTHETIC_SESSIONS), "synthetic.yaml"
    )
    store = Store.open(url)
    await store.connect()
    async with store.sessions() as db:
        users = await db.scalar(select(func.count()).select_from(User))
    settle_heap()  # as `python -m bot run` does once its data is loaded
    figures: dict[str, Any] = {"users": users, "rss_start": round(rss(), 1)}
    figures["rebuild"] = {name: await time_rebuilds(store, c, repeat) for name, c in conferences.items()}

    conference = conferences[FANOUT_PROGRAMME]
    session = conference.session(FANOUT_SESSION)
    assert session is not None and not session.kind.travel
    reset_peak()
    with Timer() as timer:
        people = await store.subscribers(session.id, FANOUT_LEAD, visit=False)
    figures["subscribers"] = len(people)
    figures["subscribers_ms"] = ms(timer.wall)
    figures["subscribers_cpu_ms"] = ms(timer.cpu)
    figures["subscribers_peak"] = round(peak(), 1)
    del people

    notifier, telegram, messenger = counting_channels()
    clock = FixedClock(session.start - timedelta(minutes=FANOUT_LEAD))
    unlimited = RateLimiter(rate=1e9, per_chat=0)  # no limit: the pipeline's own pace
    reminders = Reminders(store, notifier, lambda: conference, clock, unlimited)
    reset_peak()
    before = rss()
    with Timer() as timer:
        result = await reminders.fire(session.id, FANOUT_LEAD)
    figures["fanout"] = fanout_figures(result, timer, before)
    figures["fanout"].update(telegram=telegram.sent, messenger=messenger.sent)

    reset_peak()
    before = rss()
    with Timer() as timer:
        audience = await store.reachable()
    gc.collect()
    figures["reachable"] = len(audience)
    figures["reachable_ms"] = ms(timer.wall)
    figures["reachable_cpu_ms"] = ms(timer.cpu)
    figures["reachable_peak"] = round(peak(), 1)
    figures["reachable_held"] = round(rss() - before, 1)  # the list of people itself, kept
    del audience

    if announcement:
        announcements = Announcements(store, reminders.fanout)
        draft = await announcements.draft("Zmiana sali: otwarcie w auli B.", "bench")
        reset_peak()
        before = rss()
        with Timer() as timer:
            sent = await announcements.send(draft)
        assert sent is not None
        figures["announcement"] = fanout_figures(sent, timer, before)
    await store.close()
    return figures


# Driving ----------------------------------------------------------------------------------------


def child(*args: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter; its figures come back as JSON on the last line."""
    done = subprocess.run(
        [sys.executable, __file__, "--step", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def create_database(url: str, name: str) -> str:
    """A fresh PostgreSQL database on the server at `url`; its URL."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        await connection.execute(text(f"CREATE DATABASE {name}"))
    await engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def report(backend: str, count: int, filled: dict[str, Any], m: dict[str, Any], repeat: int) -> None:
    rows = filled["rows"]
    print(
        f"\n{backend}, {count:,} users ({filled['messenger']:,} Messenger, {filled['blocked']:,} blocked, "
        f"{filled['reminders_on']:,} with reminders on, {rows['plan_items']:,} plan items)"
    )
    print(
        f"  fill (bulk insert, one transaction): {filled['fill_seconds']:.1f} s, "
        f"{count / filled['fill_seconds']:,.0f} users/s; filler RSS {filled['fill_rss_before']:.0f} -> "
        f"{filled['fill_rss_after']:.0f} MB (peak {filled['fill_rss_peak']:.0f})"
    )
    print(f"  bot process: RSS at start (both programmes loaded, database connected) {m['rss_start']:.0f} MB")
    for name, r in m["rebuild"].items():
        print(
            f"  rebuild {name}: {r['jobs']} jobs ({r['sessions']} sessions); start {r['start_ms']:.1f} ms "
            f"(CPU {r['start_cpu_ms']:.1f}), reload {r['rebuild_ms']:.1f} ms "
            f"(CPU {r['rebuild_cpu_ms']:.1f}), median of {repeat}; RSS with its jobs {r['rss']:.0f} MB"
        )
    print(
        f"  subscribers of one reminder ({FANOUT_SESSION}, {FANOUT_LEAD} min): {m['subscribers']:,} loaded "
        f"in {m['subscribers_ms']:.0f} ms (CPU {m['subscribers_cpu_ms']:.0f}), "
        f"peak RSS {m['subscribers_peak']:.0f} MB"
    )
    f = m["fanout"]
    print(
        f"  fan-out (query included): {f['seconds']:.1f} s, {f['per_second']:,}/s, "
        f"CPU {f['cpu_seconds']:.1f} s = {f['cpu_ms_per_person']:.2f} ms a person; sent {f['sent']:,} "
        f"(telegram {f['telegram']:,}, messenger {f['messenger']:,}), withheld {f['withheld']:,}, "
        f"blocked {f['blocked']:,}; RSS {f['rss_before']:.0f} MB, peak {f['rss_peak']:.0f} MB"
    )
    print(
        f"  announcement audience (reachable()): {m['reachable']:,} loaded in {m['reachable_ms']:.0f} ms "
        f"(CPU {m['reachable_cpu_ms']:.0f}), peak RSS {m['reachable_peak']:.0f} MB, "
        f"the list itself {m['reachable_held']:.0f} MB"
    )
    if "announcement" in m:
        a = m["announcement"]
        print(
            f"  announcement fan-out (audience loaded, ledger, sends): {a['seconds']:.1f} s, "
            f"{a['per_second']:,}/s, CPU {a['cpu_seconds']:.1f} s = {a['cpu_ms_per_person']:.2f} ms "
            f"a person; "
            f"sent {a['sent']:,}, withheld {a['withheld']:,}, blocked {a['blocked']:,}; "
            f"RSS {a['rss_before']:.0f} MB, peak {a['rss_peak']:.0f} MB"
        )


def run_backend(backend: str, urls: dict[int, str], repeat: int, announcement: bool) -> None:
    for count, url in urls.items():
        filled = child("fill", url, str(count))
        measured = child("measure", url, str(repeat), "announcement" if announcement else "-")
        report(backend, count, filled, measured, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000, help="a smaller population first (0: none)")
    parser.add_argument("--repeat", type=int, default=5, help="rebuilds timed per programme (median)")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    parser.add_argument(
        "--no-announcement", action="store_true", help="skip the announcement to everyone (the longest step)"
    )
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step, url, number, *flags = args.step
        figures = asyncio.run(
            fill(url, int(number)) if step == "fill" else measure(url, int(number), "announcement" in flags)
        )
        print(json.dumps(figures))
        return
    counts = [n for n in (args.baseline, args.users) if n > 0]
    print(f"python {sys.version.split()[0]}, fan-out reminder: {FANOUT_SESSION} at {FANOUT_LEAD} min")
    with tempfile.TemporaryDirectory() as folder:
        urls = {n: f"sqlite+aiosqlite:///{folder}/users-{n}.db" for n in counts}
        run_backend("SQLite", urls, args.repeat, not args.no_announcement)
    if args.postgres:
        from tests.postgres import postgres_server

        with postgres_server() as server:
            urls = {n: asyncio.run(create_database(server, f"bench_{n}")) for n in counts}
            run_backend("PostgreSQL", urls, args.repeat, not args.no_announcement)


if __name__ == "__main__":
    main()
