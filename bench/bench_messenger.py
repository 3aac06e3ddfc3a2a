"""Messenger end to end: signed webhook calls in, answers out through a fake Graph API.

Our bot (`python -m bot run`, Messenger only, SQLite) and a bare echo bot (bench/messenger_echo.py:
signature, JSON, "typing…", one fixed text, on the same aiohttp transport as ours) each run in
their own process against the same fake Graph API (its own process). The load generator posts N
signed webhook calls (real questions from the dev set, from 200 people, C at once) and reports: how
fast each call is acknowledged (Meta wants a 200 within seconds), answers delivered per second, and
the bot's CPU per answer. The two bots alternate in one run, several times; figures are medians and
the ratio is ours / echo. Each bot process answers two loads: "first" (a fresh process and database:
half the people write for the first time, most questions are new to its caches) and "steady" (the
same people and questions again, as a bot some minutes into an event sees them).

    .venv/bin/python bench/bench_messenger.py [--calls 2000] [--repeat 3] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import yaml  # noqa: E402

from bot import texts  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.clock import FixedClock, parse_now  # noqa: E402
from bot.loading import load_conference  # noqa: E402
from handlers.messenger.payloads import Kind, Payload  # noqa: E402
from handlers.messenger.render import messages  # noqa: E402
from tests.fakes.graph_api import PAGE_TOKEN  # noqa: E402
from tests.fakes.telegram_api import free_port  # noqa: E402

NOW = "2023-11-29 15:10"
PAYLOAD_ECHO = "payload echo"
PEOPLE = 200
SECRET = "bench-app-secret"
VERIFY = "bench-verify"


def our_messages(asked: list[str]) -> dict[str, Any]:
    """Each question's message as ours sends it to a new person (the plan option with a session)."""
    conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    rendered = {}
    for question in asked:
        reply = assistant.ask(question).reply
        extra = []
        if reply.subject is not None:
            extra = [(texts.PLAN_ADD_BUTTON, Payload(Kind.PLAN, "+" + reply.subject).encode())]
        [rendered[question]] = messages(reply, extra)
    return rendered


def questions() -> list[str]:
    """Dev-set questions whose answer is one Messenger message: one answer = one delivery."""
    conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    cases = yaml.safe_load((ROOT / "tests" / "nlu" / "devset.yaml").read_text(encoding="utf-8"))
    return [c["q"] for c in cases if len(messages(assistant.ask(c["q"]).reply)) == 1]


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _post(url: str) -> None:
    request = urllib.request.Request(url, data=b"{}", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_answering(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Poll `url` until it answers; fail early if the process behind it has exited."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            _get(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start_bot(
    kind: str, graph_url: str, folder: str, answers: Path | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "MESSENGER_", "BOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    if kind == "ours":
        env.update(
            MESSENGER_PAGE_TOKEN=PAGE_TOKEN,
            MESSENGER_APP_SECRET=SECRET,
            MESSENGER_VERIFY_TOKEN=VERIFY,
            MESSENGER_GRAPH_URL=graph_url,
            BOT_PORT=str(port),
            BOT_NOW=NOW,
            BOT_LOG_LEVEL="WARNING",
            DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bench-{port}.db",
        )
        command = [sys.executable, "-m", "bot", "run"]
    else:
        command = [
            sys.executable,
            str(ROOT / "bench" / "messenger_echo.py"),
            *("--port", str(port), "--graph", graph_url, "--token", PAGE_TOKEN, "--secret", SECRET),
        ]
        if kind == PAYLOAD_ECHO and answers is not None:
            command += ["--answers", str(answers)]
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL)
    _wait_answering(f"http://127.0.0.1:{port}/healthz", process, 60)
    return process, port


def signed(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": signature}


async def load(
    port: int, fake: str, asked: list[str], calls: int, concurrency: int, pid: int, fake_pid: int
) -> dict[str, float]:
    bodies = []
    for i in range(calls):
        event = {
            "sender": {"id": str(9000 + i % PEOPLE)},
            "recipient": {"id": "1"},
            "timestamp": 1,
            "message": {"mid": f"m_{time.time_ns()}_{i}", "text": asked[i % len(asked)]},
        }
        bodies.append(signed({"object": "page", "entry": [{"id": "1", "messaging": [event]}]}))
    _post(f"{fake}/_fake/reset")
    acks: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    url = f"http://127.0.0.1:{port}/messenger/webhook"
    cpu, fake_cpu = _cpu_seconds(pid), _cpu_seconds(fake_pid)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def one(raw: bytes, headers: dict[str, str]) -> None:
            async with gate:
                sent = time.perf_counter()
                async with session.post(url, data=raw, headers=headers) as response:
                    await response.read()
                    assert response.status == 200, response.status
                acks.append(time.perf_counter() - sent)

        started = time.perf_counter()
        await asyncio.gather(*(one(raw, headers) for raw, headers in bodies))
        while _get(f"{fake}/_fake/stats")["messages"] < calls:
            if time.perf_counter() - started > 300:
                raise RuntimeError("answers did not arrive")
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
    acks.sort()
    return {
        "per_second": calls / elapsed,
        "ack_p50_ms": 1000 * acks[len(acks) // 2],
        "ack_p99_ms": 1000 * acks[int(len(acks) * 0.99)],
        "cpu_ms": 1000 * (_cpu_seconds(pid) - cpu) / calls,
        "fake_cpu_ms": 1000 * (_cpu_seconds(fake_pid) - fake_cpu) / calls,
    }


PHASES = ("first", "steady")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--payload-echo", action="store_true", help="also the echo sending our messages (their floor)"
    )
    args = parser.parse_args()
    asked = questions()
    kinds = ["echo", *([PAYLOAD_ECHO] if args.payload_echo else []), "ours"]
    graph_port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.graph_api", "--port", str(graph_port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    fake_url = f"http://127.0.0.1:{graph_port}"
    # Per bot and phase: "first" is a fresh process's first 2,000 answers (half the people and
    # most questions new to it), "steady" the next 2,000 (everyone and every question seen).
    results: dict[tuple[str, str], list[dict[str, float]]] = {
        (kind, phase): [] for phase in PHASES for kind in kinds
    }
    try:
        _wait_answering(f"{fake_url}/_fake/stats", fake, 10)
        with tempfile.TemporaryDirectory() as folder:
            answers = Path(folder) / "answers.json"
            answers.write_text(json.dumps(our_messages(asked), ensure_ascii=False), encoding="utf-8")
            for _round in range(args.repeat):
                for kind in kinds:
                    process, port = start_bot(kind, f"{fake_url}/v26.0", folder, answers)
                    try:
                        # A short warm-up (the first connections, the first answers), not measured.
                        await load(port, fake_url, asked, 100, args.concurrency, process.pid, fake.pid)
                        for phase in PHASES:
                            results[kind, phase].append(
                                await load(
                                    port, fake_url, asked, args.calls, args.concurrency, process.pid, fake.pid
                                )
                            )
                    finally:
                        process.send_signal(signal.SIGTERM)
                        process.wait(timeout=30)
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    print(f"{len(asked)} distinct questions, {args.calls} calls from {PEOPLE} people, C={args.concurrency}")
    head = (
        f"{'answers/s':>10} {'ack p50 ms':>11} {'ack p99 ms':>11} {'CPU ms/answer':>14} {'fake CPU ms':>12}"
    )
    print(f"{'phase':>6} {'bot':>12} {head}")
    medians = {}
    for (kind, phase), runs in results.items():
        medians[kind, phase] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        m = medians[kind, phase]
        print(
            f"{phase:>6} {kind:>12} {m['per_second']:>10.0f} {m['ack_p50_ms']:>11.1f} "
            f"{m['ack_p99_ms']:>11.1f} {m['cpu_ms']:>14.2f} {m['fake_cpu_ms']:>12.2f}"
        )
    print("(fake CPU: the fake Graph API's CPU per answer; it shares the 2 cores with the bot)")
    for phase in PHASES:
        for kind in kinds[1:]:
            # Paired: each round's bot against the echo run just before it, on the machine as it was then.
            pairs = zip(results[kind, phase], results["echo", phase], strict=True)
            ratio = statistics.median(o["per_second"] / e["per_second"] for o, e in pairs)
            print(f"ratio {kind}/echo, answers per second, {phase}: {ratio:.2f} (median of rounds)")


if __name__ == "__main__":
    asyncio.run(main())
