"""Importing and loading a 1,000-session frab schedule.xml: time and peak memory.

Run: .venv/bin/python bench/bench_import.py [--sessions 1000] [--repeat 5]

A generated programme (4 days, 10 rooms, sessions past midnight, Polish titles, HTML descriptions,
about 600 people) is written to a temporary folder as schedule.xml. Then, in this process (median of
`--repeat`): reading it into a document (bot/formats), writing that as YAML (`import --output`), and
loading a YAML data file whose `programme: {source: schedule.xml}` is that file (read, merged,
validated, built), against loading the same programme written out as one YAML file. And in fresh
processes (peak RSS from VmHWM, as bench_hostile_data.py does): `import` and `check-data` on both.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import formats  # noqa: E402
from bot.formats.yamlout import document_yaml  # noqa: E402
from bot.loading import load_conference  # noqa: E402

ROOMS = ["Aula Główna", "Sala Łąkowa", "Namiot Źródło", "Scena Leśna", "Sala 1.14", "Sala 2.01", "Kino Żak"]
ROOMS += ["Pracownia Ćwiczeń", "Strefa Dzieci", "Ogród"]
TYPES = ["Wykład", "Warsztat", "Panel", "Koncert", "Film", "lecture", "Keynote"]
WORDS = "źródło łąka sąsiedztwo miasto dźwięk światło pamięć przyszłość współpraca żegluga ogród noc".split()
VENUE = """\
event:
  id: festiwal-bench
  name: Festiwal testowy
  timezone: Europe/Warsaw
  start_date: 2030-07-04
  end_date: 2030-07-07
venue:
  name: Park testowy
  address: ul. Testowa 1
  city: Testowo
programme:
  source: schedule.xml
"""
_WRAPPER = (
    "import re, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "print(f'MAXRSS={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def generate(sessions: int, seed: int = 11) -> str:
    """A frab schedule.xml with `sessions` events over four days, evenings running past midnight."""
    rng = random.Random(seed)
    people = [
        f"{rng.choice(['Anna', 'Łukasz', 'Zofia', 'Jerzy', 'Ewa', 'Michał'])} Osoba{i}" for i in range(600)
    ]
    first = date(2030, 7, 4)
    per_day = [sessions // 4 + (1 if d < sessions % 4 else 0) for d in range(4)]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<schedule>\n<version>bench</version>\n<conference>\n'
        "<acronym>festiwal-bench</acronym><title>Festiwal testowy</title>\n"
        "<start>2030-07-04</start><end>2030-07-07</end><days>4</days>\n"
        "<time_zone_name>Europe/Warsaw</time_zone_name>\n</conference>\n"
    ]
    ident = 1000
    for d, count in enumerate(per_day):
        day = first + timedelta(days=d)
        out.append(
            f'<day date="{day}" index="{d + 1}" start="{day}T10:00:00+02:00" '
            f'end="{day + timedelta(days=1)}T04:00:00+02:00">\n'
        )
        for r, room in enumerate(ROOMS):
            out.append(f"<room name={quoteattr(room)}>\n")
            in_room = count // len(ROOMS) + (1 if r < count % len(ROOMS) else 0)
            start = datetime(day.year, day.month, day.day, 10, 0)
            step = timedelta(minutes=(17 * 60) // max(in_room, 1))  # 10:00 to 03:00 the next night
            for _ in range(in_room):
                ident += 1
                title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
                persons = "".join(
                    f'<person id="{p}">{escape(people[p])}</person>'
                    for p in rng.sample(range(600), rng.randint(1, 3))
                )
                description = escape(
                    f"<p>{title}: " + " ".join(rng.choice(WORDS) for _ in range(60)) + "</p>"
                )
                out.append(
                    f'<event id="{ident}" guid="00000000-0000-4000-8000-{ident:012d}">'
                    f"<date>{start.isoformat()}+02:00</date><start>{start:%H:%M}</start>"
                    f"<duration>{step - timedelta(minutes=10)}</duration>"
                    f"<room>{escape(room)}</room><title>{escape(title)}</title><subtitle/>"
                    f"<track>Ścieżka {r % 4 + 1}</track><type>{rng.choice(TYPES)}</type>"
                    "<language>pl</language>"
                    f"<abstract/><description>{description}</description><persons>{persons}</persons><links/>"
                    "</event>\n"
                )
                start += step
            out.append("</room>\n")
        out.append("</day>\n")
    out.append("</schedule>\n")
    return "".join(out)


def median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def peak_mb(work: Callable[[], object]) -> float:
    """Python allocations at their peak while `work` runs (tracemalloc), in MB."""
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def fresh(*argv: str) -> tuple[float, int | None, int]:
    """Wall time (s), peak RSS (kB) and exit code of `python -m bot ARGV` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "MESSENGER_"))}
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv],
        cwd=tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
    )
    found = re.search(r"^MAXRSS=(\d+)$", done.stderr, re.M)
    return time.perf_counter() - started, int(found.group(1)) if found else None, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        xml = Path(folder) / "schedule.xml"
        xml.write_text(generate(args.sessions), "utf-8")
        linked = Path(folder) / "dane.yaml"
        linked.write_text(VENUE, "utf-8")
        data = xml.read_bytes()
        document, warnings = formats.read_programme(data, xml.name)
        count = sum(len(day["sessions"]) for day in document["days"])
        text = document_yaml(document)
        whole = Path(folder) / "whole.yaml"
        document["venue"].update(address="ul. Testowa 1", city="Testowo")
        whole.write_text(document_yaml(document), "utf-8")
        people, rooms = len(document["speakers"]), len(document["venue"]["rooms"])
        print(f"programme: {count} sessions, {people} people, {rooms} rooms, {len(warnings)} warnings")
        print(f"schedule.xml {len(data) / 1e6:.2f} MB; as YAML {len(text.encode()) / 1e6:.2f} MB")
        print(f"median of {args.repeat}, in this process (peak: Python allocations, tracemalloc):")
        steps: list[tuple[str, Callable[[], object]]] = [
            ("read schedule.xml into a document", lambda: formats.read_programme(data, xml.name)),
            ("write the document as YAML", lambda: document_yaml(document)),
            ("load YAML + programme: schedule.xml", lambda: load_conference(linked)),
            ("load the same as one YAML file", lambda: load_conference(whole)),
        ]
        for label, work in steps:
            print(f"  {label:38s} {median_ms(work, args.repeat):7.1f} ms  peak {peak_mb(work):5.1f} MB")
        print("fresh processes (wall, peak RSS):")
        for label, argv in (
            (
                "import schedule.xml --output",
                ("import", str(xml), "--output", str(Path(folder) / "out.yaml")),
            ),
            ("check-data dane.yaml (programme: xml)", ("check-data", str(linked))),
            ("check-data whole.yaml (one YAML)", ("check-data", str(whole))),
        ):
            wall, rss, code = fresh(*argv)
            shown = f"{rss / 1024:.0f} MB" if rss else "?"
            print(f"  {label:38s} {wall:5.2f} s  {shown:>7s}  exit {code}")


if __name__ == "__main__":
    main()
