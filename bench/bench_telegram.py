"""Updates per second end to end through a fake Bot API: our bot beside a bare PTB echo bot.

The fake server runs in its own process (python -m tests.fakes.telegram_api), so the bot's
process has the event loop to itself. Each run queues N text updates from many chats, starts
long polling, and stops the clock when N replies have reached the fake. Echo and ours
alternate in the same run, several times; the figures are medians, and the ratio compares
the two in the same run, as the machine's speed drifts between runs.

    .venv/bin/python bench/bench_telegram.py [--updates 2000] [--repeat 5] [--concurrency 1 8 32]
        [--transport aiohttp|httpx] [--database sqlite postgresql] [--without-cache]

`--database` adds ours as `python -m bot run` has it, with its database behind: the person
recorded, the plan button's lookup, unanswered questions kept, reminder settings changed; updates
claimed in memory, as long polling (one process by Telegram's rules) claims them. PostgreSQL is a
real server started from the installed binaries, with its durable defaults (fsync and synchronous
commits on). Webhook mode, where several processes claim each update in the database as its
delivery arrives, is measured end to end against a webhook echo by bench/bench_processes.py --echo.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bot.assistant import Assistant  # noqa: E402
from bot.clock import FixedClock, parse_now  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.intents import Intent  # noqa: E402
from bot.loading import load_conference  # noqa: E402
from bot.store.store import Store  # noqa: E402
from handlers.handled import Claims, RecentUpdates  # noqa: E402
from handlers.serve import settle_heap  # noqa: E402
from handlers.telegram.app import CONNECTION_POOL, POOL_TIMEOUT, answers_transport, build_application  # noqa: E402
from handlers.telegram.render import split_html  # noqa: E402
from handlers.telegram.replies import NO_PREVIEW, Replier  # noqa: E402
from handlers.telegram.request import RetryingRequest  # noqa: E402
from tests.fakes.telegram_api import TOKEN, free_port  # noqa: E402
from tests.fakes.updates import message  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402

NOW = "2023-11-29 15:10"
CHATS = 200


def questions(assistant: Assistant) -> list[str]:
    """Real questions (the dev question set) whose answer is one message without a map pin.

    Each update then gets exactly one sendMessage from both bots, so "N replies" means "N updates
    handled" for both; a pin or a second part would only add network calls, not our logic.
    """
    cases = yaml.safe_load((ROOT / "tests" / "nlu" / "devset.yaml").read_text(encoding="utf-8"))
    chosen = []
    for case in cases:
        reply = assistant.ask(case["q"]).reply
        if reply.location is None and len(split_html(reply.lines)) == 1:
            chosen.append(case["q"])
    return chosen


class FakeProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.telegram_api", "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                self.stats()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _call(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="GET" if data is None else "POST")
        request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("/_fake/stats")
        return result

    def reset(self) -> None:
        self._call("/_fake/reset", {})

    def push(self, updates: list[dict[str, Any]]) -> None:
        for i in range(0, len(updates), 500):
            self._call("/_fake/updates", updates[i : i + 500])

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def transport(kind: str) -> BaseRequest:
    """The answers' transport as `build_application` makes it (aiohttp), or PTB's default httpx."""
    if kind == "aiohttp":
        return answers_transport()
    return HTTPXRequest(connection_pool_size=CONNECTION_POOL, pool_timeout=POOL_TIMEOUT)


def echo_application(
    base: str, concurrency: int, kind: str, answers: dict[str, tuple[str, Any]] | None = None
) -> Application:  # type: ignore[type-arg]
    """The library's floor: PTB's own echo example, on the same transport as ours.

    With `answers` (question → our HTML and keyboard, rendered beforehand), it sends our messages
    instead of the question: the floor for messages as long as ours, without anything of ours.
    """

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        if answers is None:
            await update.message.reply_text(update.message.text)
            return
        html, markup = answers[update.message.text]
        await update.message.reply_html(
            html, reply_markup=markup, link_preview_options=NO_PREVIEW, do_quote=False
        )

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{base}/bot")
        .request(transport(kind))
        .concurrent_updates(concurrency)
        .job_queue(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


_runs = 0


async def one_run(
    fake: FakeProcess, make: Callable[[], Any], updates: list[dict[str, Any]]
) -> tuple[float, float]:
    """Seconds to answer all updates, and the fake server's CPU seconds meanwhile."""
    global _runs
    _runs += 1
    # Fresh update ids each run: a long poll left over from the previous bot still carries its
    # offset, and Telegram (and the fake) confirm every update below an offset.
    updates = [{**u, "update_id": u["update_id"] + _runs * 1_000_000} for u in updates]
    fake.reset()
    application = make()
    async with application:
        fake.push(updates)
        cpu = fake.cpu_seconds()
        started = time.perf_counter()
        await application.updater.start_polling(timeout=1)
        await application.start()
        # Ask the fake from a thread, so the check does not block the bot's event loop.
        while (stats := await asyncio.to_thread(fake.stats))["calls"].get("sendMessage", 0) < len(updates):
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"stalled: {stats}")
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        cpu = fake.cpu_seconds() - cpu
        await application.updater.stop()
        await application.stop()
    return elapsed, cpu


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16, 64])
    parser.add_argument("--transport", choices=["aiohttp", "httpx"], default="aiohttp")
    parser.add_argument(
        "--database",
        nargs="*",
        choices=["sqlite", "postgresql"],
        default=[],
        help="also run ours as `run` has it, with this database behind",
    )
    parser.add_argument("--with-store", action="store_true", help="the same as --database sqlite")
    parser.add_argument(
        "--without-settings",
        action="store_true",
        help="leave out the questions that change reminder settings (a durable write each)",
    )
    parser.add_argument(
        "--payload-echo", action="store_true", help="also the echo sending our answers (their floor)"
    )
    parser.add_argument("--without-cache", action="store_true", help="also ours, answer cache off")
    args = parser.parse_args()
    databases = list(dict.fromkeys(args.database + (["sqlite"] if args.with_store else [])))
    async with contextlib.AsyncExitStack() as stack:
        await bench(args, databases, stack)


async def open_store(kind: str, stack: contextlib.AsyncExitStack) -> Store:
    if kind == "sqlite":
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
    else:
        url = stack.enter_context(postgres_server(durable=True))
    store = Store.open(url)
    stack.push_async_callback(store.close)
    await store.migrate()
    return store


async def bench(args: argparse.Namespace, databases: list[str], stack: contextlib.AsyncExitStack) -> None:

    conference = load_conference(ROOT / "data" / "miejsca-otwarte-2023.yaml")
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    asked = questions(assistant)
    if args.without_settings:
        asked = [q for q in asked if assistant.ask(q).intent is not Intent.REMINDERS]
    settle_heap()  # as `python -m bot run` does once the data is loaded
    updates = [message(1000 + i % CHATS, asked[i % len(asked)], update_id=i + 1) for i in range(args.updates)]
    fake = FakeProcess()
    stack.callback(fake.stop)
    settings = load_settings(_env_file=None, telegram_bot_token=TOKEN, telegram_base_url=fake.url)
    uncached = Assistant(conference, assistant.clock, cache_size=0)
    # Ours with a database, wired as `run` wires it with long polling (handlers/serve.py): the
    # conversation over the store, updates claimed in memory.
    wired: dict[str, tuple[Conversation, Claims]] = {}
    for kind in databases:
        store = await open_store(kind, stack)
        conversation = Conversation(lambda: assistant, store)
        wired[kind] = (conversation, RecentUpdates())
    print(
        f"{args.updates} updates from {CHATS} chats, {len(asked)} distinct real questions, "
        f"repeat {args.repeat}, transport {args.transport} (echo and ours), python {sys.version.split()[0]}"
    )
    print("upd/s = updates answered per second (median); ratio = ours / echo, median of paired runs;")
    print("CPU = CPU time of this process per update (ms)\n")

    def ours(c: int, who: Assistant = assistant, database: str | None = None) -> Any:
        request = None if args.transport == "aiohttp" else RetryingRequest(transport("httpx"))
        conversation, handled = wired[database] if database else (None, None)
        return build_application(
            settings, who, request=request, concurrent_updates=c, conversation=conversation, handled=handled
        )

    replier = Replier(assistant)
    ours_messages = {}
    for question in asked:
        chunks, markup = replier._rendered(assistant.ask(question).reply, None)
        ours_messages[question] = (chunks[0], markup)
    extra = (["payload echo"] if args.payload_echo else []) + (["no cache"] if args.without_cache else [])
    names = ["echo", *extra, "ours", *wired]
    print("{:>5}  {}".format("conc.", "  ".join(f"{n:>22}" for n in names)))
    print("{:>5}  {}".format("", "  ".join(f"{'upd/s  ratio  CPU ms':>22}" for _ in names)))
    for concurrency in args.concurrency:
        bots: dict[str, Callable[[], Any]] = {
            "echo": lambda c=concurrency: echo_application(fake.url, c, args.transport),
        }
        if args.payload_echo:
            bots["payload echo"] = lambda c=concurrency: echo_application(
                fake.url, c, args.transport, ours_messages
            )
        if args.without_cache:
            bots["no cache"] = lambda c=concurrency: ours(c, uncached)
        bots["ours"] = lambda c=concurrency: ours(c)
        for kind in wired:
            bots[kind] = lambda c=concurrency, k=kind: ours(c, database=k)
        times: dict[str, list[float]] = {name: [] for name in bots}
        cpu: dict[str, list[float]] = {name: [] for name in bots}
        for i in range(args.repeat + 1):  # the first round warms up every bot
            for name, make in bots.items():
                before = time.process_time()
                elapsed, _fake_cpu = await one_run(fake, make, updates)
                if i:
                    times[name].append(elapsed)
                    cpu[name].append(time.process_time() - before)

        rate = {name: args.updates / statistics.median(times[name]) for name in bots}
        ratio = {
            name: statistics.median(e / o for e, o in zip(times["echo"], times[name], strict=True))
            for name in bots
        }

        cells = [
            f"{rate[n]:>8.0f} {ratio[n]:>6.2f} {1000 * statistics.median(cpu[n]) / args.updates:>6.2f}"
            for n in bots
        ]
        print("{:>5}  {}".format(concurrency, "  ".join(f"{c:>22}" for c in cells)))


if __name__ == "__main__":
    asyncio.run(main())
