"""What a live programme's poll costs when nothing changed, against one that downloads the export.

    .venv/bin/python bench/bench_poll.py [--polls 200] [--file ../shared/schedules/frab-39c3-20251206.xml]

A local HTTP server serves a real export with an ETag. Measured in one run, medians: a poll that
gets a 304 (what runs every few minutes all event long) and a poll that downloads the whole
export (what happens when it changed, before parsing), wall time and this process's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.fetch import Fetched, fetch  # noqa: E402
from tests.fakes.export_server import export_server  # noqa: E402


async def measure(url: str, previous: Fetched | None, polls: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds per poll."""
    walls, cpus = [], []
    async with httpx.AsyncClient() as client:
        await fetch(client, url, previous, max_bytes=50_000_000)  # warm: connection, imports
        for _ in range(polls):
            wall, cpu = time.perf_counter(), time.process_time()
            await fetch(client, url, previous, max_bytes=50_000_000)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared/schedules/frab-39c3-20251206.xml")
    args = parser.parse_args()
    with export_server() as (export, base):
        export.body = args.file.read_bytes()
        url = f"{base}/schedule.xml"
        known = Fetched(b"", export.etag, None)
        unchanged = asyncio.run(measure(url, known, args.polls))
        changed = asyncio.run(measure(url, None, args.polls))
    print(f"export: {args.file.name}, {len(export.body):,} bytes; {args.polls} polls each, medians")
    print(f"unchanged (304):   {unchanged[0]:.2f} ms wall, {unchanged[1]:.2f} ms CPU per poll")
    print(f"changed (200):     {changed[0]:.2f} ms wall, {changed[1]:.2f} ms CPU per poll (download only)")
    print(f"ratio unchanged/changed CPU: {unchanged[1] / changed[1]:.2f}")


if __name__ == "__main__":
    main()
