"""Core speed and memory: questions per second, p50/p99 latency, peak RSS, cold start.

Run: .venv/bin/python bench/bench_core.py [--repeat 20] [--events-only]

Warm figures come from the dev set asked `--repeat` times in one process; the first pass
(word caches empty) is reported on its own. The cold start is a fresh `python -m bot ask`
process, timed from launch to its answer on stdout (median of 5).

Per event (every data/*.yaml and the festival written for the tests): building its assistant, and
the questions generated from its own data (tests/nlu/generated.py) asked `--repeat` times warm, p50
and p99. Last, building the assistant for a generated 1,000-session programme (bench_import.py's).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.assistant import Assistant  # noqa: E402
from bot.clock import FixedClock, parse_now  # noqa: E402
from bot.loading import load_conference  # noqa: E402
from bot.text import fold  # noqa: E402
from tests.nlu.evaluation import load_cases  # noqa: E402
from tests.nlu.generated import cases as generated_cases  # noqa: E402

EVENTS = [*sorted((ROOT / "data").glob("*.yaml")), ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cold_start(runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "co jest teraz?", "--now", "2023-11-29 15:10"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def per_event(repeat: int) -> None:
    """Build time and warm latency on each event's generated questions."""
    print("per event: build, then generated questions warm (median of passes)")
    for path in EVENTS:
        conference = load_conference(path)
        questions = list(generated_cases(conference))
        clock = FixedClock(parse_now(questions[0].now, conference.tz))
        started = time.perf_counter()
        assistant = Assistant(conference, clock, cache_size=0)
        build = time.perf_counter() - started
        moments = [parse_now(q.now, conference.tz) for q in questions]
        for question, moment in zip(questions, moments, strict=True):  # fill the word caches
            clock.moment = moment
            assistant.ask(question.question)
        latencies = []
        for _ in range(repeat):
            for question, moment in zip(questions, moments, strict=True):
                clock.moment = moment
                t0 = time.perf_counter()
                assistant.ask(question.question)
                latencies.append(time.perf_counter() - t0)
        print(
            f"  {path.name:32} {len(conference.sessions):4} sessions, build {build * 1000:5.0f} ms, "
            f"{len(questions):5} questions: p50 {statistics.median(latencies) * 1000:.3f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.3f} ms"
        )


def large_build(sessions: int = 1000) -> None:
    """Building the assistant (lexicon, entity index) for a 1,000-session programme, median of 3."""
    import tempfile

    from bench.bench_import import VENUE, generate

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "schedule.xml").write_text(generate(sessions), encoding="utf-8")
        (Path(folder) / "dane.yaml").write_text(VENUE, encoding="utf-8")
        conference = load_conference(Path(folder) / "dane.yaml")
    clock = FixedClock(parse_now("2030-07-04 12:00", conference.tz))
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        Assistant(conference, clock, cache_size=0)
        builds.append(time.perf_counter() - started)
    people = len(conference.speakers)
    # The first build reads every word; later ones find them in the word caches (a reload of the
    # same programme does too). Both are reported.
    print(
        f"assistant build, {len(conference.sessions)} sessions / {people} people / "
        f"{len(conference.venue.rooms)} rooms: first {builds[0] * 1000:.0f} ms, "
        f"again {statistics.median(builds[1:]) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--events-only", action="store_true", help="only the per-event figures")
    args = parser.parse_args()
    if args.events_only:
        per_event(max(1, args.repeat // 4))
        large_build()
        return

    conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
    cases = load_cases("devset.yaml")
    clock = FixedClock(parse_now(cases[0].now, conference.tz))
    started = time.perf_counter()
    assistant = Assistant(conference, clock, cache_size=0)  # measure understanding, not the cache
    build = time.perf_counter() - started
    moments = [parse_now(c.now, conference.tz) for c in cases]

    def one_pass() -> list[float]:
        latencies = []
        for case, moment in zip(cases, moments, strict=True):
            clock.moment = moment
            t0 = time.perf_counter()
            assistant.ask(case.question)
            latencies.append(time.perf_counter() - t0)
        return latencies

    first = one_pass()
    warm: list[float] = []
    total_started = time.perf_counter()
    for _ in range(args.repeat):
        warm.extend(one_pass())
    total = time.perf_counter() - total_started

    # Floor in the same run: folding each question, the least any answer must do.
    floor_started = time.perf_counter()
    for _ in range(args.repeat):
        for case in cases:
            fold(case.question)
    floor = time.perf_counter() - floor_started

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions: {len(cases)} x {args.repeat} warm passes")
    print(f"assistant build (lexicon, entities): {build * 1000:.0f} ms")
    print(
        f"first pass (cold word caches): p50 {statistics.median(first) * 1000:.2f} ms, "
        f"p99 {percentile(first, 0.99) * 1000:.2f} ms, max {max(first) * 1000:.1f} ms"
    )
    print(
        f"warm: {len(warm) / total:.0f} questions/s, p50 {statistics.median(warm) * 1000:.3f} ms, "
        f"p99 {percentile(warm, 0.99) * 1000:.3f} ms"
    )
    print(
        f"floor (fold only): {len(warm) / floor:.0f} questions/s; answer/fold time ratio {total / floor:.0f}x"
    )
    print(f"peak RSS: {rss_mb:.0f} MB")
    print(f"cold start to first answer (python -m bot ask, median of 5): {cold_start():.2f} s")
    per_event(max(1, args.repeat // 4))
    large_build()


if __name__ == "__main__":
    main()
