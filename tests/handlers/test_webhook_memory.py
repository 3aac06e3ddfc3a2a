"""Huge bodies cost the real `python -m bot run` process no memory: 413 while they stream in.

Both webhooks on one web server, as in production; 300 MB are offered chunk by chunk over a raw
socket (never held in memory here) and the process's resident memory is watched meanwhile.
"""

from __future__ import annotations

import json
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from handlers.body import MAX_BODY
from tests.bot.test_cli_messenger import _wait_until_listening, messenger_env
from tests.bot.test_cli_run import _env
from tests.fakes import updates
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import ANNA, envelope, sign, text

HOOK_SECRET = "hook-secret"
HUGE = 300 * 1024 * 1024
CHUNK = 64 * 1024
MAX_GROWTH = 20 * 1024 * 1024


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class PeakMemory:
    """The highest RSS of a process, sampled in a thread every few milliseconds."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.peak = max(self.peak, rss(self.pid))


@dataclass
class Offer:
    answer: bytes  # everything the server sent back
    sent: int  # body bytes sent before it answered or closed


def offer_chunked(port: int, path: str, headers: dict[str, str], total: int = HUGE) -> Offer:
    """POST `total` bytes as a chunked body, one generated chunk at a time, until the server answers."""
    frame = f"{CHUNK:x}\r\n".encode() + b"A" * CHUNK + b"\r\n"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered (or closed): stop sending
                sock.sendall(frame)
                sent += CHUNK
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return Offer(answer, sent)


def offer_declared(port: int, path: str, headers: dict[str, str], length: int = HUGE) -> bytes:
    """Only the head of a request declaring a huge Content-Length; the server should answer at once."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"{")
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi() as api:
        yield api


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    port: int
    graph: FakeGraphApi
    telegram: FakeBotApi
    log: Path

    def say_on_messenger(self, words: str) -> None:
        before = len(self.graph.messages(ANNA))
        body = json.dumps(envelope(text(ANNA, words))).encode()
        response = httpx.post(
            f"http://127.0.0.1:{self.port}/messenger/webhook",
            content=body,
            headers={"X-Hub-Signature-256": sign(body)},
            timeout=10,
        )
        assert response.status_code == 200
        self._wait(lambda: len(self.graph.messages(ANNA)) > before, "a Messenger answer")

    def say_on_telegram(self, words: str) -> None:
        before = len(self.telegram.sent(ALICE))
        response = httpx.post(
            f"http://127.0.0.1:{self.port}/telegram/webhook",
            json=updates.message(ALICE, words),
            headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET},
            timeout=10,
        )
        assert response.status_code == 200
        self._wait(lambda: len(self.telegram.sent(ALICE)) > before, "a Telegram answer")

    def _wait(self, done: object, what: str) -> None:
        deadline = time.monotonic() + 30
        while not done():  # type: ignore[operator]
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"no {what} from the bot process"
            time.sleep(0.02)


@pytest.fixture
def bot_process(tmp_path: Path, graph: FakeGraphApi, fake_api: FakeBotApi) -> Iterator[BotProcess]:
    port = free_port()
    values = messenger_env(
        graph,
        BOT_PORT=str(port),
        BOT_NOW="2023-11-29 14:00",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=fake_api.base_url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org",
        TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET,
    )
    log = tmp_path / "log.txt"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=_env(tmp_path, **values),
            stdout=output,
            stderr=output,
            text=True,
        )
        try:
            _wait_until_listening(port, process, log)
            yield BotProcess(process, port, graph, fake_api, log)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


WEBHOOKS = {
    "/messenger/webhook": {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64},
    "/telegram/webhook": {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET},
}


def test_300_mb_bodies_are_refused_as_they_stream_in_without_growing_memory(bot_process: BotProcess) -> None:
    bot = bot_process
    bot.say_on_messenger("co jest teraz?")  # warm: every code path of an answer has run once
    bot.say_on_telegram("co jest teraz?")
    baseline = rss(bot.process.pid)
    with PeakMemory(bot.process.pid) as memory:
        offers = {path: offer_chunked(bot.port, path, headers) for path, headers in WEBHOOKS.items()}
        declared = {path: offer_declared(bot.port, path, headers) for path, headers in WEBHOOKS.items()}
    for path, offer in offers.items():
        assert offer.answer.startswith(b"HTTP/1.1 413 "), (path, offer.answer[:200])
        assert offer.sent < 10 * MAX_BODY, (path, offer.sent)  # it stopped reading near the cap
    for path, answer in declared.items():
        assert answer.startswith(b"HTTP/1.1 413 "), (path, answer[:200])
    growth = memory.peak - baseline
    print(f"\nRSS {baseline / 2**20:.0f} MB, peak {memory.peak / 2**20:.0f} MB (+{growth / 2**20:.1f} MB)")
    assert growth < MAX_GROWTH, f"RSS grew by {growth / 2**20:.0f} MB"
    bot.say_on_messenger("kontakt")  # still answering, on both channels
    bot.say_on_telegram("kontakt")
    assert bot.process.poll() is None
    log = bot.log.read_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
