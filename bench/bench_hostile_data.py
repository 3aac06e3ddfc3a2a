"""Hostile data files: wall time and peak RSS of `python -m bot check-data` on each, and on the shipped file.

Run: .venv/bin/python bench/bench_hostile_data.py [--runs 3] [--only NAME ...] [--root CHECKOUT]

Each figure is a fresh process (median wall time of `--runs`; peak RSS is the child's own
`ru_maxrss`, printed by a small wrapper around `bot.cli.main`). The attack files come from
tests/fakes/hostile_data.py. `--root` runs another checkout's code on the same files (e.g. the code
before the limits, from `git archive`), each process capped at `--memory-gb` of address space and
`--timeout` seconds. Then, in this process: loading the shipped file (median of 50) with libyaml,
with PyYAML's pure-Python parser, and what the old loader's first step (`yaml.compose`) cost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot import document  # noqa: E402
from bot.loading import DataError, load_conference  # noqa: E402
from tests.fakes.hostile_data import ATTACKS, SHIPPED  # noqa: E402

_WRAPPER = (
    "import re, resource, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:  # this process's own peak: ru_maxrss also keeps the parent's at fork (Linux)\n"
    "    peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "except OSError:\n"
    "    pass\n"
    "print(f'MAXRSS={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def check_data(path: str, code_root: Path, timeout: float, memory_gb: float) -> tuple[float, int | None, str]:
    """Wall time, peak RSS (kB, None if the process died first) and outcome of one fresh check-data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "MESSENGER_"))}
    env["PYTHONPATH"] = str(code_root)
    limit = int(memory_gb * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, "check-data", path],
            cwd=tempfile.gettempdir(),  # no .env
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=cap,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, None, f"killed after {timeout:.0f} s"
    elapsed = time.perf_counter() - started
    found = re.search(r"^MAXRSS=(\d+)$", done.stderr, re.M)
    rss = int(found.group(1)) if found else None
    if "Traceback" in done.stderr:
        last = done.stderr.strip().splitlines()[-1]
        outcome = f"exit {done.returncode}, traceback: {last.split(':')[0]}"
    else:
        outcome = f"exit {done.returncode}"
    return elapsed, rss, outcome


def median_ms(action: Callable[[], object], runs: int = 50) -> float:
    """Median wall time of `action` in milliseconds; a refusal (`DataError`) is what is timed."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(DataError):
            action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _size(path: str) -> str:
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    if not size:
        return "—"
    return f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="attack names (default: all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code runs check-data")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--memory-gb", type=float, default=8)
    args = parser.parse_args()
    here = args.root.resolve() == ROOT

    names = args.only or list(ATTACKS)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"shipped file (baseline)": str(SHIPPED)}
        for name in names:
            path = Path(tmp) / f"{name}.yaml"
            path.write_bytes(ATTACKS[name]())
            files[name] = str(path)
        if not args.only:
            files["/dev/zero"] = "/dev/zero"
            fifo = Path(tmp) / "fifo.yaml"
            os.mkfifo(fifo)
            files["FIFO"] = str(fifo)
        print(f"code: {args.root}; {args.runs} runs each; Python {sys.version.split()[0]}")
        print(
            "| file | size | check-data: wall time (median) | peak RSS | outcome | in-process load (median) |"
        )
        print("|---|---:|---:|---:|---|---:|")
        for name, path in files.items():
            results = [check_data(path, args.root, args.timeout, args.memory_gb) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in results)
            peaks = [r[1] for r in results if r[1] is not None]
            rss = f"{max(peaks) / 1024:.0f} MB" if peaks else "—"
            inside = f"{median_ms(partial(load_conference, path), args.runs):.1f} ms" if here else "—"
            print(f"| {name} | {_size(path)} | {wall:.2f} s | {rss} | {results[-1][2]} | {inside} |")

    if not here:
        return
    text = SHIPPED.read_text(encoding="utf-8")
    libyaml = median_ms(partial(load_conference, SHIPPED))
    document._Loader = yaml.SafeLoader
    pure = median_ms(partial(load_conference, SHIPPED))
    compose = median_ms(partial(yaml.compose, text, Loader=yaml.SafeLoader))
    print()
    print(f"load_conference(shipped file), median of 50: {libyaml:.1f} ms libyaml, {pure:.1f} ms pure Python")
    print(f"yaml.compose(shipped file, SafeLoader) alone, the old loader's first step: {compose:.1f} ms")


if __name__ == "__main__":
    main()
