"""CPU per store operation on SQLite: the worker thread (bot/store/worker.py) against the asyncio
engine (SQLAlchemy over aiosqlite), the same statements, alternating in one run.

Each operation runs N times per round on a fresh database file; the figures are the median of the
rounds' CPU milliseconds per operation (this process, every thread), and the ratio is worker /
asyncio in the same round.

    .venv/bin/python bench/bench_store.py [--operations 500] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store.store import Preferences, Store  # noqa: E402

Operation = Callable[[Store, int], Awaitable[object]]
NOW = datetime(2023, 11, 29, 14, 0, tzinfo=UTC)


async def first_contact(store: Store, i: int) -> object:
    return await store.touch("bench", f"new-{i}", NOW)


async def touch_again(store: Store, i: int) -> object:
    return await store.touch("bench", f"new-{i}", NOW)


async def stamps(store: Store, i: int) -> object:
    """One batch of 100 stamps written behind the answers (counted per batch)."""
    return await store._write_seen({("bench", f"new-{j}"): NOW for j in range(i % 400, i % 400 + 100)})


async def read_settings(store: Store, i: int) -> object:
    store._preferences.clear()  # what a cache would hide: the read itself
    return await store.preferences(i + 1)


async def save_settings(store: Store, i: int) -> object:
    return await store.save_preferences(i + 1, Preferences(lead_minutes=10 + i % 2), NOW)


async def read_plan(store: Store, i: int) -> object:
    store._plans.clear()
    return await store.plan(i + 1)


OPERATIONS: dict[str, Operation] = {
    "first contact": first_contact,
    "returning person": touch_again,
    "100 stamps": stamps,
    "settings read": read_settings,
    "settings saved": save_settings,
    "plan read": read_plan,
}


async def one_round(worker: bool, count: int) -> dict[str, float]:
    """CPU ms per operation, each operation in turn on one fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite+aiosqlite:///{folder}/bench.db")
        await store.migrate()
        if not worker:
            await store._worker.close()  # type: ignore[union-attr]
            store._worker = None
        result = {}
        for name, operation in OPERATIONS.items():
            started = time.process_time()
            for i in range(count):
                await operation(store, i)
            result[name] = 1000 * (time.process_time() - started) / count
        await store.close()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    await one_round(True, 50)  # warm up: imports, compiled statement caches
    await one_round(False, 50)
    rounds: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for _ in range(args.repeat):
        for worker in (False, True):
            rounds[worker].append(await one_round(worker, args.operations))
    python = sys.version.split()[0]
    print(f"SQLite, {args.operations} operations per round, {args.repeat} rounds, python {python}")
    print(f"{'operation':>18}  {'asyncio ms':>10}  {'worker ms':>9}  {'ratio':>5}")
    for name in OPERATIONS:
        before = [r[name] for r in rounds[False]]
        after = [r[name] for r in rounds[True]]
        ratio = statistics.median(a / b for a, b in zip(after, before, strict=True))
        medians = f"{statistics.median(before):>10.3f}  {statistics.median(after):>9.3f}"
        print(f"{name:>18}  {medians}  {ratio:>5.2f}")
    print("(CPU ms per operation of this process, median of rounds; ratio = worker / asyncio, paired)")


if __name__ == "__main__":
    asyncio.run(main())
