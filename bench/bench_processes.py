"""Updates per second and latency with one and with two `python -m bot run` processes on PostgreSQL.

Everything is real but Telegram: a throwaway PostgreSQL (tests/postgres.py), two bot processes in
webhook mode on it, and the fake Bot API in its own process. A load generator here posts real text
updates (questions answered in one message) with the secret header to the processes' webhooks, at
most --inflight unanswered at once: each of that many workers posts, waits until the answer reaches
the fake, and posts the next. Each worker writes from its own chats, so a chat never has two updates
waiting and the answer to a chat is the answer to its update. The fake stamps each call with
time.monotonic(), one clock for every process on the machine, and hands them over by long polling
(/_fake/calls), so the latency is from the post to the answer's arrival at the fake.

A round posts N updates with fresh update ids, to the first process only ("1 process") or to both
in turn ("2 processes"); the two alternate round after round, so the ratio compares rounds run on
the same machine at nearly the same time. Both processes are up all along: in the 1-process rounds
the second idles (its CPU then is reported). The first round of each is a warm-up (every chat
becomes a known user). Reported: medians over the rounds, the bot processes', PostgreSQL's, the
fake's and this generator's CPU per update (/proc/<pid>/stat), and every update's answers counted
(each must get exactly one; duplicates and losses are printed).

With --echo, a third kind of round, "echo", gives the floor to compare with: PTB's echo example
behind a webhook (bench/telegram_webhook_echo.py: the question's text sent back, on our transport,
concurrency and web server, no database) in its own process on its own port, against the same fake
Bot API with the same secret, fed by the same generator. It answers each update with one message
to the update's chat, so the answers are counted as ours. Each repeat then runs echo, 1 process,
2 processes in that order (the warm-up too), so every 1-process round has an echo round right
before it: the ratios ours (1 process) / echo, of updates per second and of the serving process's
CPU per update, are medians over those pairs. The echo idles in the other rounds, our processes
in its.

    .venv/bin/python bench/bench_processes.py [--updates 1000] [--repeat 3] [--inflight 16] [--echo]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.bench_telegram import NOW, FakeProcess, questions  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.clock import FixedClock, parse_now  # noqa: E402
from bot.loading import load_conference  # noqa: E402
from handlers.telegram.app import CONCURRENT_UPDATES, SECRET_HEADER, WEBHOOK_PATH  # noqa: E402
from tests.bot.test_cli_outages import BotProcess  # noqa: E402
from tests.fakes.telegram_api import TOKEN, free_port  # noqa: E402
from tests.fakes.updates import message  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402

SECRET = "bench_Secret-13"
CHATS = 200  # chats writing; each worker takes its own share of them
FIRST_CHAT = 700_000
ANSWER_TIMEOUT = 60.0  # seconds an update may wait for its answer before the round fails
SETTLE = 1.0  # seconds after the last answer for a duplicate to arrive
PROBLEM = re.compile(r"WARNING|ERROR|CRITICAL|Traceback")
OTHERS_NOTED = 0.2  # cores; a quiet machine showed up to 0.1 (kernel threads, interrupts)
PARTIES = ("postgres", "fake", "generator")  # besides the bot processes


@dataclass(frozen=True)
class Kind:
    """A kind of round: the processes it posts to, in turn (their CPU is "the bot processes'")."""

    label: str
    serving: tuple[str, ...]


ONE = Kind("1 process", ("bot0",))
TWO = Kind("2 processes", ("bot0", "bot1"))
ECHO = Kind("echo", ("echo",))
BOTS = 2  # bot processes, up all along


# CPU time from /proc --------------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (the first is the state)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU of a process (all its threads); `reaped`: with its exited children's."""
    fields = _stat(pid)
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(port: int) -> int:
    """The PostgreSQL server listening on `port` (started with `-p <port>` on its command line)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"postgres") and b"-p" in argv:
            at = argv.index(b"-p")
            if at + 1 < len(argv) and argv[at + 1] == str(port).encode():
                return int(entry.name)
    raise RuntimeError(f"no PostgreSQL server on port {port}")


def postgres_cpu(postmaster: int) -> float:
    """CPU of the server and all its backends, living or exited."""
    total = cpu_seconds(postmaster, reaped=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat(int(entry.name))[1]) == postmaster:
                total += cpu_seconds(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile: its CPU is the postmaster's reaped children's now
    return total


# The load generator -----------------------------------------------------------------------------


@dataclass
class Round:
    kind: Kind
    seconds: float  # first post to the last answer's arrival
    latencies: list[float]  # seconds, one per update
    cpu: dict[str, float]  # CPU seconds spent in the round by each party
    others: float  # cores the rest of the machine kept busy meanwhile (other jobs)
    duplicates: int
    missing: int
    other_calls: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


Measure = Callable[[Round], float]


class Answers:
    """The fake's calls, read by long polling: resolves the future of the chat each answer went to."""

    def __init__(self, session: aiohttp.ClientSession, fake_url: str) -> None:
        self.session = session
        self.fake_url = fake_url
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.sent: Counter[int] = Counter()
        self.other: Counter[str] = Counter()
        self.last_at = 0.0
        self.failure: Exception | None = None
        self._next = 0

    async def follow(self) -> None:
        try:
            while True:
                await self.read(wait=1.0)
        except Exception as exc:  # the fake gone: fail the waiting workers now, not at their timeout
            self.failure = exc
            for future in self.waiting.values():
                if not future.done():
                    future.set_exception(exc)
            raise

    async def read(self, wait: float) -> None:
        url = f"{self.fake_url}/_fake/calls"
        async with self.session.get(url, params={"since": self._next, "wait": wait}) as response:
            body: dict[str, Any] = await response.json()
        self._next = int(body["next"])
        for call in body["calls"]:
            if call["method"] != "sendMessage" or call["failed"]:
                self.other[call["method"]] += 1
                continue
            chat = int(call["chat_id"])
            self.sent[chat] += 1
            self.last_at = max(self.last_at, float(call["at"]))
            future = self.waiting.pop(chat, None)
            if future is not None and not future.done():
                future.set_result(float(call["at"]))


async def one_round(
    session: aiohttp.ClientSession,
    fake: FakeProcess,
    pids: dict[str, int],
    ports: dict[str, int],
    postmaster: int,
    kind: Kind,
    updates: int,
    inflight: int,
    asked: list[str],
    round_number: int,
) -> Round:
    """`updates` updates to the processes `kind` serves with, in turn, at most `inflight` unanswered.

    `pids` are every process up (bots and echo, by name): the CPU of each is taken, serving or not.
    """
    targets = [ports[name] for name in kind.serving]
    await asyncio.to_thread(fake.reset)
    answers = Answers(session, fake.url)
    follower = asyncio.create_task(answers.follow())
    numbers = itertools.count()
    latencies: list[float] = []
    posted: Counter[int] = Counter()
    first_post: list[float] = []

    async def worker(w: int) -> None:
        chats = [FIRST_CHAT + c for c in range(w, CHATS, inflight)]
        for turn in itertools.count():
            n = next(numbers)
            if n >= updates:
                return
            chat = chats[turn % len(chats)]
            update = message(chat, asked[n % len(asked)], update_id=round_number * 10_000_000 + n + 1)
            future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            if answers.failure is not None:
                raise answers.failure
            answers.waiting[chat] = future
            port = targets[n % len(targets)]
            started = time.monotonic()
            first_post.append(started)
            async with session.post(
                f"http://127.0.0.1:{port}{WEBHOOK_PATH}", json=update, headers={SECRET_HEADER: SECRET}
            ) as response:
                if response.status != 200:
                    raise RuntimeError(
                        f"webhook of :{port} answered {response.status}: {await response.text()}"
                    )
            posted[chat] += 1
            try:
                arrived = await asyncio.wait_for(future, ANSWER_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"no answer to update {n} (chat {chat}) in {ANSWER_TIMEOUT:g} s") from None
            latencies.append(arrived - started)

    before = _cpu_now(fake, pids, postmaster)
    machine, began = machine_busy(), time.monotonic()
    try:
        await asyncio.gather(*(worker(w) for w in range(inflight)))
        await asyncio.sleep(SETTLE)
    finally:
        follower.cancel()
    await answers.read(wait=0)  # whatever came in since the follower's last read
    after = _cpu_now(fake, pids, postmaster)
    machine, wall = machine_busy() - machine, time.monotonic() - began
    cpu = {party: after[party] - before[party] for party in before}
    duplicates = sum(max(0, answers.sent[c] - posted[c]) for c in answers.sent.keys() | posted.keys())
    missing = sum(max(0, posted[c] - answers.sent[c]) for c in posted)
    return Round(
        kind=kind,
        seconds=answers.last_at - min(first_post),
        latencies=latencies,
        cpu=cpu,
        others=max(0.0, machine - sum(cpu.values())) / wall,
        duplicates=duplicates,
        missing=missing,
        other_calls=answers.other,
    )


def _cpu_now(fake: FakeProcess, pids: dict[str, int], postmaster: int) -> dict[str, float]:
    cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
    cpu["postgres"] = postgres_cpu(postmaster)
    cpu["fake"] = fake.cpu_seconds()
    cpu["generator"] = time.process_time()
    return cpu


# Setting up and reporting -----------------------------------------------------------------------


def start_bots(root: Path, fake: FakeProcess, url: str) -> tuple[list[BotProcess], list[int]]:
    bots: list[BotProcess] = []
    ports: list[int] = []
    for number in range(BOTS):
        folder = root / f"bot{number}"
        folder.mkdir()
        port = free_port()
        values = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": fake.url,
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "BOT_PORT": str(port),
            "DATABASE_URL": url,
            "BOT_NOW": NOW,
            "BOT_DATA": str(ROOT / "data" / "miejsca-otwarte-2023.yaml"),
        }
        bots.append(BotProcess(folder, **values))
        ports.append(port)
    for bot in bots:
        bot.wait_lines(r"bot running: Telegram \(webhook\)", timeout=120)
    return bots, ports


class EchoProcess:
    """bench/telegram_webhook_echo.py, started like the bot processes: its output in files."""

    def __init__(self, folder: Path, fake: FakeProcess) -> None:
        folder.mkdir()
        self.port = free_port()
        self.err_path, self.out_path = folder / "err.txt", folder / "out.txt"
        self._err, self._out = self.err_path.open("w"), self.out_path.open("w")
        self.process = subprocess.Popen(
            [
                *(sys.executable, str(ROOT / "bench" / "telegram_webhook_echo.py")),
                *("--port", str(self.port), "--fake", fake.url, "--token", TOKEN, "--secret", SECRET),
            ],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=self._out,
            stderr=self._err,
        )

    @property
    def log(self) -> str:
        return self.err_path.read_text() + self.out_path.read_text()

    def wait_up(self, timeout: float = 60) -> None:
        """Until /healthz answers: uvicorn serves once PTB is initialized (getMe) and started."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the echo exited with {self.process.returncode}:\n{self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM; uvicorn shuts down (PTB stopped) and then re-raises it: -15 is a clean stop."""
        self.process.terminate()
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._err.close()
            self._out.close()


def problems(bot: BotProcess | EchoProcess, since: int) -> list[str]:
    """Warnings and errors the bot logged after its first `since` characters (its start-up's)."""
    return [line for line in bot.log[since:].splitlines() if PROBLEM.search(line)]


def report(
    rounds: dict[Kind, list[Round]],
    everything: list[Round],
    watched: dict[str, BotProcess | EchoProcess],
    logged: dict[str, int],
) -> None:
    """`rounds`: the measured rounds of each kind run, in order (echo first when run)."""

    def median(kind: Kind, value: Measure) -> float:
        return statistics.median(value(r) for r in rounds[kind])

    def paired(value: Measure, top: Kind = TWO, bottom: Kind = ONE) -> float:
        """Median over paired rounds (the same repeat) of the `top` value / the `bottom` value."""
        pairs = zip(rounds[top], rounds[bottom], strict=True)
        return statistics.median(value(a) / value(b) for a, b in pairs)

    def bots_cpu(r: Round) -> float:
        return sum(r.cpu[name] for name in r.kind.serving) / len(r.latencies) * 1000

    def party_cpu(party: str) -> Measure:
        return lambda r: r.cpu[party] / len(r.latencies) * 1000

    rows: list[tuple[str, Measure, str]] = [
        ("updates answered per second", lambda r: r.rate, "{:.0f}"),
        ("latency p50, ms", lambda r: r.percentile(0.5) * 1000, "{:.1f}"),
        ("latency p99, ms", lambda r: r.percentile(0.99) * 1000, "{:.1f}"),
        ("latency max, ms", lambda r: max(r.latencies) * 1000, "{:.1f}"),
        ("bot processes' CPU, ms/update", bots_cpu, "{:.2f}"),
        ("PostgreSQL CPU, ms/update", party_cpu("postgres"), "{:.2f}"),
        ("fake Bot API CPU, ms/update", party_cpu("fake"), "{:.2f}"),
        ("load generator CPU, ms/update", party_cpu("generator"), "{:.2f}"),
        (
            "all four, ms/update",
            lambda r: bots_cpu(r) + sum(r.cpu[p] for p in PARTIES) / len(r.latencies) * 1000,
            "{:.2f}",
        ),
    ]
    echo = ECHO in rounds
    print(
        f"\n{'median of the rounds':<32}{'1 process':>12}{'2 processes':>14}{'2 / 1':>8}"
        + (f"{'echo':>10}" if echo else "")
    )
    for label, value, form in rows:
        one, two = median(ONE, value), median(TWO, value)
        line = f"{label:<32}{form.format(one):>12}{form.format(two):>14}{paired(value):>8.2f}"
        print(line + (f"{form.format(median(ECHO, value)):>10}" if echo else ""))
    if echo:
        print(
            "\n(echo column: the echo process's CPU in the bot processes' row; PostgreSQL idles then)"
            f"\nratio ours (1 process) / echo, updates per second: "
            f"{paired(lambda r: r.rate, ONE, ECHO):.2f} (median of paired rounds)"
            f"\nratio ours (1 process) / echo, CPU per update: "
            f"{paired(bots_cpu, ONE, ECHO):.2f} (median of paired rounds)"
        )
    idle = statistics.median(r.cpu["bot1"] for r in rounds[ONE]) * 1000
    print(f"\nthe idle second process in the 1-process rounds: {idle:.0f} ms CPU a round")
    if echo:
        idle_echo = statistics.median(r.cpu["echo"] for r in rounds[ONE]) * 1000
        idle_bots = statistics.median(r.cpu["bot0"] + r.cpu["bot1"] for r in rounds[ECHO]) * 1000
        print(
            f"the idle echo in the 1-process rounds: {idle_echo:.0f} ms CPU a round; "
            f"the idle bot processes in the echo rounds: {idle_bots:.0f} ms CPU a round"
        )
    others = max(r.others for kind in rounds for r in rounds[kind])
    print(
        f"other jobs on the machine during the rounds: {others:.2f} cores at most"
        + (" — NOT an idle machine: rerun when it is" if others > OTHERS_NOTED else "")
    )
    for kind in rounds:
        done = [r for r in everything if r.kind == kind]
        answered = sum(len(r.latencies) for r in done)
        duplicates = sum(r.duplicates for r in done)
        missing = sum(r.missing for r in done)
        other = sum((r.other_calls for r in done), Counter[str]())
        extra = f", other calls: {dict(other)}" if other else ""
        print(
            f"{kind.label}: {answered} updates answered "
            f"(all rounds, warm-up included), {duplicates} answered twice, {missing} unanswered{extra}"
        )
    for name, process in watched.items():
        found = problems(process, logged[name])
        print(f"{name} log after start-up: {len(found)} warning/error lines" + (":" if found else ""))
        for line in sorted(set(found))[:5]:
            print(f"    {line[:200]}")


async def run(args: argparse.Namespace) -> None:
    conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
    asked = questions(Assistant(conference, FixedClock(parse_now(NOW, conference.tz))))
    print(
        f"{args.updates} updates a round from {CHATS} chats, {args.inflight} unanswered at most, "
        f"{len(asked)} distinct real questions, repeat {args.repeat} (+1 warm-up) alternating "
        f"{'the echo, ' if args.echo else ''}1 and 2 processes, python {sys.version.split()[0]}"
    )
    print(
        "PostgreSQL: a throwaway server with fsync=off, synchronous_commit=off, full_page_writes=off "
        "(commits cost no disk flush here; a production server's would)"
    )
    print(
        f"{os.cpu_count()} cores shared by the bot processes, PostgreSQL, the fake Bot API and this "
        "generator: a second process cannot double the rate here; the figures speak to correctness "
        "and overhead, not to linear scaling"
    )
    print(f"each process handles {CONCURRENT_UPDATES} updates at once (CONCURRENT_UPDATES)")
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"NOTE: load average {load:.1f} before the start: other jobs are running on this machine")
    with postgres_server() as url, tempfile.TemporaryDirectory(prefix="bench-processes-") as folder:
        postmaster = postmaster_pid(int(url.rsplit(":", 1)[1].split("/")[0]))
        fake = FakeProcess()
        bots: list[BotProcess] = []
        echo: EchoProcess | None = None
        try:
            started = time.monotonic()
            bots, bot_ports = start_bots(Path(folder), fake, url)
            print(
                f"{len(bots)} bot processes up in {time.monotonic() - started:.1f} s"
                + ("" if args.echo else "\n")
            )
            watched: dict[str, BotProcess | EchoProcess] = {f"bot{i}": bot for i, bot in enumerate(bots)}
            ports = {f"bot{i}": port for i, port in enumerate(bot_ports)}
            kinds = [ONE, TWO]
            if args.echo:
                started = time.monotonic()
                echo = EchoProcess(Path(folder) / "echo", fake)
                echo.wait_up()
                print(f"the echo process up in {time.monotonic() - started:.1f} s\n")
                watched["echo"], ports["echo"] = echo, echo.port
                kinds.insert(0, ECHO)  # right before each 1-process round: the pairs are neighbours
            pids = {name: process.process.pid for name, process in watched.items()}
            logged = {name: len(process.log) for name, process in watched.items()}
            rounds: dict[Kind, list[Round]] = {kind: [] for kind in kinds}  # measured
            everything: list[Round] = []  # warm-ups too, for counting answers
            # Idle connections are dropped before uvicorn's 5 s keep-alive ends them: posting on a
            # connection the server is closing fails ("Can not write request body").
            connector = aiohttp.TCPConnector(limit=args.inflight + 4, keepalive_timeout=2)
            async with aiohttp.ClientSession(connector=connector) as session:
                numbers = itertools.count(1)
                for repeat in range(args.repeat + 1):
                    for kind in kinds:
                        result = await one_round(
                            session, fake, pids, ports, postmaster, kind,
                            args.updates, args.inflight, asked, next(numbers),
                        )  # fmt: skip
                        which = "warm-up" if repeat == 0 else f"round {repeat}"
                        print(
                            f"{which:>8}, {kind.label:<11}: "
                            f"{result.rate:6.0f} upd/s, p50 {result.percentile(0.5) * 1000:6.1f} ms, "
                            f"p99 {result.percentile(0.99) * 1000:6.1f} ms, "
                            f"{result.duplicates} twice, {result.missing} unanswered, "
                            f"other jobs {result.others:.2f} cores",
                            flush=True,
                        )
                        everything.append(result)
                        if repeat:
                            rounds[kind].append(result)
            report(rounds, everything, watched, logged)
        except Exception:
            for number, bot in enumerate(bots):
                print(f"--- the end of bot{number}'s log:\n{bot.log[-2000:]}", file=sys.stderr)
            if echo is not None:
                print(f"--- the end of the echo's log:\n{echo.log[-2000:]}", file=sys.stderr)
            raise
        finally:
            codes = [bot.stop() for bot in bots]
            echo_code = echo.stop() if echo is not None else None
            fake.stop()
        print(f"bot processes stopped (SIGTERM) with exit codes {codes}")
        if echo_code is not None:
            print(
                f"the echo stopped (SIGTERM) with exit code {echo_code} (uvicorn re-raises it once shut down)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--updates", type=int, default=1000, help="updates a round (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="measured rounds of each (default 3)")
    parser.add_argument("--inflight", type=int, default=16, help="updates unanswered at most (default 16)")
    parser.add_argument(
        "--echo",
        action="store_true",
        help="also rounds of PTB's echo behind a webhook (bench/telegram_webhook_echo.py), the floor",
    )
    args = parser.parse_args()
    if args.inflight > CHATS:
        parser.error(f"--inflight: at most {CHATS} (one chat per update waiting)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
