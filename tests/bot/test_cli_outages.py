"""`python -m bot run` as a service, as a real process: Telegram, the database or the port not there
at start, failures while running, a simulated clock. What the operator sees is the log: one line
per failed attempt, never a traceback at INFO, and an exit code 2 naming the setting to fix."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.bot.test_cli_messenger import _post_signed, messenger_env
from tests.bot.test_cli_run import _env
from tests.fakes import updates
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import ANNA, envelope, text
from tests.postgres import _as_postgres, _binary

PASSWORD = "Tajne-Haslo-42"
TRACEBACK = "Traceback"


class BotProcess:
    """`python -m bot run` in an empty folder (no developer's .env), its output in files."""

    def __init__(self, tmp_path: Path, *args: str, **values: str) -> None:
        self.err_path = tmp_path / "err.txt"
        self.out_path = tmp_path / "out.txt"
        # Files, not pipes: a chatty process must never block on a full pipe while the test waits.
        self._err = self.err_path.open("w")
        self._out = self.out_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *(args or ("run",))],
            cwd=tmp_path,
            env=_env(tmp_path, **values),
            stdout=self._out,
            stderr=self._err,
            text=True,
        )

    @property
    def log(self) -> str:
        return self.err_path.read_text() + self.out_path.read_text()

    def lines(self, pattern: str) -> list[str]:
        return [line for line in self.log.splitlines() if re.search(pattern, line)]

    def wait_until(self, what: str, condition: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the bot exited while waiting for {what}:\n{self.log}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.log}"
            time.sleep(0.05)

    def wait_lines(self, pattern: str, count: int = 1, timeout: float = 30) -> list[str]:
        self.wait_until(f"{count} × {pattern!r}", lambda: len(self.lines(pattern)) >= count, timeout)
        return self.lines(pattern)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.close()

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._err.close()
        self._out.close()


@pytest.fixture
def bots() -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        bot.close()


def _telegram(port: int, **more: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}", **more}


def _answered(api: FakeBotApi, bot: BotProcess, chat: int = ALICE, timeout: float = 30) -> str:
    bot.wait_until("an answer", lambda: bool(api.sent(chat)), timeout)
    return api.sent(chat)[0].text


# Telegram not there at start ---------------------------------------------------------------------

ATTEMPT = r"Telegram not reachable: getMe failed .* attempt \d+, next try in"


def test_telegram_unreachable_at_start_is_waited_for_then_served(
    tmp_path: Path, bots: list[BotProcess]
) -> None:
    port = free_port()  # nothing listens there yet
    bot = BotProcess(tmp_path, **_telegram(port))
    bots.append(bot)
    attempts = bot.wait_lines(ATTEMPT, count=2)
    assert "attempt 1," in attempts[0] and "attempt 2," in attempts[1]
    with FakeBotApi(port=port) as api:
        api.push(updates.message(ALICE, "jak dojechać?"))
        assert "Zabłocie" in _answered(api, bot)
        assert api.calls_of("setMyCommands") and api.calls_of("deleteWebhook")
        bot.wait_lines("bot running: Telegram \\(long polling\\)")
        assert bot.stop() == 0
    log = bot.log
    assert TRACEBACK not in log
    assert len(bot.lines("Telegram not reachable")) == len(bot.lines(ATTEMPT))  # one line per attempt
    assert not bot.lines(r"attempt 1/5")  # no inner retries at start
    assert re.search(r"Telegram reachable after \d+ attempts", log)
    assert "SIMULATED" not in log  # the real clock: nothing to warn about


class HangingServer:
    """Accepts connections and never answers (a firewall that eats packets, a stuck proxy)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.server.accept()[0])

    def close(self) -> None:
        """Stop listening (the port is free again) and drop every connection."""
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.server.close()
        self._thread.join(5)
        for connection in self.accepted:
            connection.close()


def test_telegram_hanging_at_start_is_waited_for_then_served(tmp_path: Path, bots: list[BotProcess]) -> None:
    hanging = HangingServer()
    port = hanging.port
    bot = BotProcess(tmp_path, **_telegram(port))
    bots.append(bot)
    try:
        [line] = bot.wait_lines(r"Telegram not reachable: getMe failed \(TimedOut", timeout=40)
        assert "attempt 1," in line
    finally:
        hanging.close()
    with FakeBotApi(port=port) as api:
        api.push(updates.message(ALICE, "co jest teraz?"))
        _answered(api, bot)
        assert bot.stop() == 0
    assert TRACEBACK not in bot.log


def test_sigterm_while_waiting_for_telegram_exits_0_at_once(tmp_path: Path, bots: list[BotProcess]) -> None:
    hanging = HangingServer()
    bot = BotProcess(tmp_path, **_telegram(hanging.port))
    bots.append(bot)
    try:
        bot.wait_until("getMe to hang", lambda: bool(hanging.accepted))
        stopped = time.monotonic()
        assert bot.stop(timeout=10) == 0  # in the middle of a request that would hang for 5 s
        assert time.monotonic() - stopped < 4
    finally:
        hanging.close()
    assert TRACEBACK not in bot.log


def test_a_webhook_address_telegram_refuses_exits_2_naming_it(tmp_path: Path, fake_api: FakeBotApi) -> None:
    fake_api.fail("setWebhook", 400)
    values = _telegram(
        fake_api.port,
        TELEGRAM_WEBHOOK_URL="http://bot.example.org",
        TELEGRAM_WEBHOOK_SECRET="hook-secret",
        BOT_PORT=str(free_port()),
    )
    bot = BotProcess(tmp_path, **values)
    assert bot.wait() == 2
    assert "TELEGRAM_WEBHOOK_URL" in bot.err_path.read_text() and TRACEBACK not in bot.log


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi() as api:
        yield api


def test_messenger_serves_while_telegram_is_unreachable_and_telegrams_webhook_says_503(
    tmp_path: Path, graph: FakeGraphApi, bots: list[BotProcess]
) -> None:
    telegram_port, port = free_port(), free_port()
    values = messenger_env(
        graph,
        **_telegram(telegram_port),
        BOT_PORT=str(port),
        TELEGRAM_WEBHOOK_URL="https://bot.example.org",
        TELEGRAM_WEBHOOK_SECRET="hook-secret",
    )
    bot = BotProcess(tmp_path, **values)
    bots.append(bot)
    bot.wait_lines(ATTEMPT)
    assert _post_signed(port, envelope(text(ANNA, "jak dojechać?"))).status_code == 200
    bot.wait_until("Messenger's answer", lambda: bool(graph.messages(ANNA)))
    assert "Zabłocie" in graph.messages(ANNA)[0].text

    def post_update() -> httpx.Response:
        return httpx.post(
            f"http://127.0.0.1:{port}/telegram/webhook",
            json=updates.message(ALICE, "co jest teraz?"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"},
            timeout=5,
        )

    assert post_update().status_code == 503  # Telegram will deliver it again later
    with FakeBotApi(port=telegram_port) as api:
        bot.wait_lines(r"bot running: Telegram \(webhook\)")
        assert api.webhook is not None and api.webhook["secret_token"] == "hook-secret"
        assert post_update().status_code == 200
        _answered(api, bot)
        assert bot.stop() == 0
    assert TRACEBACK not in bot.log


# Failures while running: one line each -------------------------------------------------------


def test_polling_failures_are_one_line_each_without_a_traceback(
    tmp_path: Path, fake_api: FakeBotApi, bots: list[BotProcess]
) -> None:
    fake_api.fail("getUpdates", 502, times=3)  # the first three polls
    bot = BotProcess(tmp_path, **_telegram(fake_api.port))
    bots.append(bot)
    failures = bot.wait_lines(r"Telegram getUpdates failed", count=3)
    assert "attempt 1, next try within 1.0 s" in failures[0] and "attempt 3," in failures[2]
    fake_api.push(updates.message(ALICE, "co jest teraz?"))
    _answered(fake_api, bot)
    # An answer that cannot be sent (Telegram failing every try): our retries, then one line.
    fake_api.fail("sendMessage", 502, times=5)
    fake_api.clear()
    fake_api.push(updates.message(ALICE, "co dalej?"))
    [failed] = bot.wait_lines(r"handlers.telegram.errors: update \d+: NetworkError", timeout=20)
    assert failed.split()[2] == "WARNING"
    assert bot.stop() == 0
    log = bot.log
    assert TRACEBACK not in log and " ERROR " not in log
    assert len(bot.lines("getUpdates failed")) == 3


# The database ------------------------------------------------------------------------------------


def test_an_unreachable_database_is_waited_for_then_named_without_its_password(
    tmp_path: Path, fake_api: FakeBotApi
) -> None:
    url = f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:{free_port()}/bot"
    bot = BotProcess(tmp_path, **_telegram(fake_api.port), DATABASE_URL=url, BOT_DB_WAIT="2")
    assert bot.wait() == 2
    log = bot.log
    error = bot.err_path.read_text().strip().splitlines()[-1]
    assert error.startswith("DATABASE_URL: baza danych postgresql+asyncpg://bot:***@127.0.0.1:")
    assert "BOT_DB_WAIT" in error and "BOT_HOST" not in log
    assert PASSWORD not in log and TRACEBACK not in log
    assert (
        len(bot.lines(r"database .* not reachable \(ConnectionRefusedError.*attempt \d+, next try in")) >= 2
    )
    assert not fake_api.calls_of("getMe")  # nothing else started


def test_db_upgrade_names_an_unreachable_database_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:{free_port()}/bot"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=tmp_path,
        env=_env(tmp_path, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DATABASE_URL: baza danych postgresql+asyncpg://bot:***@127.0.0.1" in result.stderr
    assert "ConnectionRefusedError" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout and TRACEBACK not in result.stderr


@contextlib.contextmanager
def postgres_later(port: int) -> Iterator[Callable[[], None]]:
    """A PostgreSQL server set up for `port`, started only when the test calls the function."""
    root = Path(tempfile.mkdtemp(prefix="bot-pg-late-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(_as_postgres([_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]), **run)
    options = f"-p {port} -h 127.0.0.1 -k {root} -c fsync=off"

    def start() -> None:
        command = [_binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "start"]
        subprocess.run(_as_postgres(command), **run)  # without -w: the bot sees it starting up

    try:
        yield start
    finally:
        stop = [_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_postgres(stop), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_a_database_starting_after_the_bot_is_waited_for(
    tmp_path: Path, fake_api: FakeBotApi, bots: list[BotProcess]
) -> None:
    port = free_port()
    with postgres_later(port) as start_postgres:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
        bot = BotProcess(tmp_path, **_telegram(fake_api.port), DATABASE_URL=url, BOT_DB_WAIT="60")
        bots.append(bot)
        bot.wait_lines(r"database .* not reachable", count=2)
        start_postgres()
        bot.wait_lines(r"database .* reachable after \d+ attempts")
        fake_api.push(updates.message(ALICE, "/przypomnienia wlacz 10"))
        assert "10 minut" in _answered(fake_api, bot)
        assert bot.stop() == 0
    assert TRACEBACK not in bot.log


# The port -----------------------------------------------------------------------------------------


def test_a_taken_port_exits_2_naming_bot_host_and_bot_port(tmp_path: Path, graph: FakeGraphApi) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = BotProcess(tmp_path, **messenger_env(graph, BOT_PORT=str(port)))
        assert bot.wait() == 2
    error = bot.err_path.read_text().strip().splitlines()[-1]
    assert error.startswith(f"BOT_HOST/BOT_PORT: nie można nasłuchiwać na 127.0.0.1:{port}")
    assert "zajęty" in error and TRACEBACK not in bot.log and "SystemExit" not in bot.log


# A simulated clock -------------------------------------------------------------------------------


def test_a_simulated_clock_is_announced_at_start_and_in_statistics(
    tmp_path: Path, fake_api: FakeBotApi, bots: list[BotProcess]
) -> None:
    values = _telegram(fake_api.port, BOT_NOW="2023-11-29 14:00", BOT_CLOCK_SPEED="60", ADMIN_IDS=str(ALICE))
    bot = BotProcess(tmp_path, **values)
    bots.append(bot)
    [warning] = bot.wait_lines("SIMULATED CLOCK")
    assert " WARNING " in warning and "BOT_NOW" in warning and "--now" in warning
    assert "started at 2023-11-29 14:00" in warning and "60×" in warning
    fake_api.push(updates.message(ALICE, "/statystyki"))
    stats = _answered(fake_api, bot)
    assert "Zegar symulowany (BOT_NOW / --now): dla bota jest teraz środa, 29 listopada 2023, 14:" in stats
    assert "60 razy szybciej" in stats
    assert bot.stop() == 0
