"""Outages in-process: Telegram's start retried call by call, one log line per failure, the webhook
gate, reminders waiting for a channel still connecting, the database waited for, a simulated clock
said out loud. The same as real processes: tests/bot/test_cli_outages.py."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError
from telegram.request import BaseRequest, RequestData

from bot.assistant import Assistant
from bot.backoff import Backoff, Stopped
from bot.clock import FixedClock, SimulatedClock, SystemClock, parse_now
from bot.config import ConfigError, load_settings
from bot.logs import OutageFilter, RedactingFormatter
from bot.model import Conference
from bot.reply import Reply, ReplyBuilder, render_plain
from bot.store.store import DatabaseUnavailable, Person, Statistics, Store, database_outage
from handlers.messenger.graph import GraphApi, GraphError, Problem
from handlers.outages import is_outage
from handlers.reports import statistics_reply
from handlers.serve import Connecting, warn_if_simulated
from handlers.telegram.app import build_application, fanout_telegram_bot
from handlers.telegram.request import MAX_ATTEMPTS, RetryingRequest
from handlers.telegram.startup import PollingTrouble, WebhookRefused, start_telegram, stop_telegram
from handlers.web import TelegramGate, web_server
from scheduler.notifier import FloodWait, Outcome
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port
from tests.handlers.telegram.conftest import NOW, settings_for

QUICK = 0.01  # the first backoff delay in these tests
PASSWORD = "Tajne-Haslo-42"


def quick() -> Backoff:
    return Backoff(first=QUICK, cap=0.05)


def lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


# Telegram's start, call by call -----------------------------------------------------------------


@pytest.fixture
async def telegram(fake_api: FakeBotApi, conference: Conference) -> AsyncIterator[tuple[object, Bot]]:
    settings = settings_for(fake_api)
    application = build_application(
        settings, Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    )
    fanout = fanout_telegram_bot(settings)
    yield application, fanout
    await stop_telegram(application, fanout)


@pytest.mark.parametrize("method", ["getMe", "setMyCommands", "deleteWebhook"])
async def test_each_call_at_start_is_retried_with_one_line_per_attempt(
    telegram: tuple[object, Bot], fake_api: FakeBotApi, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    application, fanout = telegram
    fake_api.fail(method, 502, times=3)
    with caplog.at_level(logging.INFO):
        await start_telegram(application, None, fanout, poll_timeout=1, backoff=quick())  # type: ignore[arg-type]
    failures = lines(caplog, "handlers.telegram.startup")
    assert len(failures) == 4  # three attempts failed, then "reachable after 4 attempts"
    for number, line in enumerate(failures[:3], 1):
        assert f"{method} failed" in line and f"attempt {number}," in line and "next try in" in line
    assert "reachable after 4 attempts" in failures[3]
    # Our request layer's own quick retries stay out of it at start, and come back after.
    assert lines(caplog, "handlers.telegram.request") == []
    assert len(fake_api.calls_of(method)) >= 4
    assert application.running and application.updater.running  # type: ignore[attr-defined]
    assert application.bot.request.attempts == MAX_ATTEMPTS  # type: ignore[attr-defined]
    assert isinstance(fanout.request, RetryingRequest) and fanout.request.attempts == MAX_ATTEMPTS


async def test_the_fan_out_bots_get_me_is_retried_too(
    telegram: tuple[object, Bot], fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    application, fanout = telegram
    await application.initialize()  # type: ignore[attr-defined]
    fake_api.fail("getMe", 502)  # the next getMe is the fan-out bot's
    with caplog.at_level(logging.INFO):
        await start_telegram(application, None, fanout, poll_timeout=1, backoff=quick())  # type: ignore[arg-type]
    [failure, _] = lines(caplog, "handlers.telegram.startup")
    assert "getMe (fan-out bot) failed" in failure
    assert fanout.username == "MiejscaOtwarteBot"


async def test_set_webhook_is_retried_and_a_refused_address_stops_the_start(
    fake_api: FakeBotApi, conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(
        fake_api, telegram_webhook_url="https://bot.example.org", telegram_webhook_secret="s3cret"
    )
    clock = FixedClock(parse_now(NOW, conference.tz))
    application = build_application(settings, Assistant(conference, clock), with_updater=False)
    fake_api.fail("setWebhook", 500)
    try:
        with caplog.at_level(logging.INFO):
            await start_telegram(application, settings, backoff=quick())
        assert "setWebhook failed" in lines(caplog, "handlers.telegram.startup")[0]
        assert fake_api.webhook is not None and fake_api.webhook["secret_token"] == "s3cret"
    finally:
        await stop_telegram(application)
    application = build_application(settings, Assistant(conference, clock), with_updater=False)
    fake_api.fail("setWebhook", 400)  # "bad webhook: An HTTPS URL must be provided", say
    try:
        with pytest.raises(WebhookRefused):
            await start_telegram(application, settings, backoff=quick())
    finally:
        await stop_telegram(application)


async def test_a_flood_wait_at_start_is_waited_out(
    telegram: tuple[object, Bot], fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    application, fanout = telegram
    fake_api.fail("setMyCommands", 429, retry_after=1)
    started = asyncio.get_running_loop().time()
    with caplog.at_level(logging.INFO):
        await start_telegram(application, None, fanout, poll_timeout=1, backoff=quick())  # type: ignore[arg-type]
    assert asyncio.get_running_loop().time() - started >= 1
    assert "flood wait 1 s" in lines(caplog, "handlers.telegram.startup")[0]


async def test_a_rejected_token_is_not_retried(
    fake_api: FakeBotApi, conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(
        _env_file=None, telegram_bot_token="999:WRONG", telegram_base_url=fake_api.base_url
    )
    clock = FixedClock(parse_now(NOW, conference.tz))
    application = build_application(settings, Assistant(conference, clock))
    try:
        with caplog.at_level(logging.INFO), pytest.raises(InvalidToken):
            await start_telegram(application, backoff=quick())
    finally:
        await stop_telegram(application)
    assert lines(caplog, "handlers.telegram.startup") == []


async def test_stop_while_waiting_for_telegram(
    conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    closed = FakeBotApi(port=free_port())  # never started: nothing listens there
    settings = settings_for(closed)
    application = build_application(settings, Assistant(conference, SystemClock(conference.tz)))
    stop = asyncio.Event()
    with caplog.at_level(logging.INFO):
        starting = asyncio.create_task(start_telegram(application, stop=stop, backoff=Backoff(first=30)))
        while not lines(caplog, "handlers.telegram.startup"):
            await asyncio.sleep(0.01)
        stop.set()
        with pytest.raises(Stopped):
            await asyncio.wait_for(starting, 2)  # not after the 30 s wait
    await stop_telegram(application)
    [line] = lines(caplog, "handlers.telegram.startup")
    assert "getMe failed (NetworkError" in line and "attempt 1, next try in" in line


def test_polling_failures_are_one_line_each_with_the_wait(caplog: pytest.LogCaptureFixture) -> None:
    trouble = PollingTrouble()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            trouble(NetworkError("Bad Gateway"))
    assert lines(caplog, "handlers.telegram.startup") == [
        "Telegram getUpdates failed (NetworkError: Bad Gateway), attempt 1, next try within 1.0 s",
        "Telegram getUpdates failed (NetworkError: Bad Gateway), attempt 2, next try within 1.5 s",
        "Telegram getUpdates failed (NetworkError: Bad Gateway), attempt 3, next try within 2.2 s",
    ]


class _HtmlGateway(BaseRequest):
    """A proxy in front of the Bot API during an outage: 502 with an HTML page."""

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        return 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"


async def test_an_html_error_page_is_a_network_error_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    request = RetryingRequest(_HtmlGateway(), sleep=no_sleep)
    bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request)
    with caplog.at_level(logging.INFO), pytest.raises(NetworkError, match="502"):
        await bot.get_me()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    retries = lines(caplog, "handlers.telegram.request")
    assert len(retries) == MAX_ATTEMPTS - 1
    assert "getMe failed (HTTP 502), attempt 1/5, next try in" in retries[0]


# The webhook gate and reminders for a channel still connecting --------------------------------


async def test_telegrams_webhook_answers_503_until_ptb_runs() -> None:
    calls: list[str] = []

    async def endpoint(request: Request) -> PlainTextResponse:
        calls.append(request.url.path)
        return PlainTextResponse("ok")

    gate = TelegramGate()
    app = Starlette(routes=gate.guard([Route("/telegram/webhook", endpoint, methods=["POST"])]))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        early = await client.post("/telegram/webhook", json={})
        assert early.status_code == 503 and calls == []
        assert (await client.get("/telegram/webhook")).status_code == 405  # methods kept
        gate.open = True
        assert (await client.post("/telegram/webhook", json={})).status_code == 200
    assert calls == ["/telegram/webhook"]


class _Channel:
    def __init__(self) -> None:
        self.sent: list[Person] = []

    async def send(self, person: Person, reply: Reply) -> Outcome:
        self.sent.append(person)
        return Outcome.SENT


async def test_reminders_for_a_channel_still_connecting_wait_as_a_flood_wait() -> None:
    channel, ready = _Channel(), asyncio.Event()
    connecting = Connecting(channel, ready)
    person = Person(1, "telegram", "42")
    reply = ReplyBuilder().line("⏰").build()
    with pytest.raises(FloodWait) as caught:
        await connecting.send(person, reply)
    assert caught.value.seconds == Connecting.WAIT and channel.sent == []
    ready.set()
    assert await connecting.send(person, reply) is Outcome.SENT and channel.sent == [person]


# One line per outage in the logs -----------------------------------------------------------------


@pytest.fixture
def log_output(caplog: pytest.LogCaptureFixture) -> Iterator[tuple[io.StringIO, logging.Logger]]:
    """A handler as `run` sets it up (redacting formatter, outage filter), on its own logger."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s", [TOKEN]))
    handler.addFilter(OutageFilter(is_outage))
    logger = logging.getLogger("tests.outages")
    logger.addHandler(handler)
    logger.propagate = False
    caplog.set_level(logging.INFO)  # the root logger's level decides whether tracebacks stay
    yield output, logger
    logger.removeHandler(handler)
    logger.propagate = True


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    "exc",
    [
        NetworkError("httpx.ConnectError: All connection attempts failed"),
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
        OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full")),
        OperationalError("INSERT …", {}, sqlite3.OperationalError("attempt to write a readonly database")),
        GraphError(Problem.RETRY, 0, None, None),
        httpx.ConnectError("All connection attempts failed"),
    ],
    ids=["telegram", "postgres-away", "disk-full", "read-only", "graph", "httpx"],
)
def test_an_outage_logged_with_a_traceback_becomes_one_warning_line(
    log_output: tuple[io.StringIO, logging.Logger], exc: BaseException
) -> None:
    output, logger = log_output
    logger.error("update %s: %s", 7, type(exc).__name__, exc_info=_raised(exc))
    text = output.getvalue()
    assert text.count("\n") == 1 and "Traceback" not in text
    assert text.startswith(f"WARNING tests.outages: update 7: {type(exc).__name__}: ")


def test_the_filter_keeps_parameters_out_of_a_database_line(
    log_output: tuple[io.StringIO, logging.Logger],
) -> None:
    output, logger = log_output
    exc = OperationalError(
        "INSERT INTO unanswered_questions",
        {"text": "moje prywatne pytanie"},
        sqlite3.OperationalError("disk I/O error"),
    )
    logger.exception("job failed", exc_info=_raised(exc))
    assert "disk I/O error" in output.getvalue()


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("a bug"),
        BadRequest("Message text is empty"),
        IntegrityError("INSERT", {}, Exception("dup")),
    ],
    ids=["bug", "bad-request", "integrity"],
)
def test_a_bug_keeps_its_traceback(
    log_output: tuple[io.StringIO, logging.Logger], exc: BaseException
) -> None:
    output, logger = log_output
    logger.error("update 7: %s", type(exc).__name__, exc_info=_raised(exc))
    assert "ERROR tests.outages" in output.getvalue() and "Traceback" in output.getvalue()


def test_debug_keeps_the_outages_traceback(
    log_output: tuple[io.StringIO, logging.Logger], caplog: pytest.LogCaptureFixture
) -> None:
    output, logger = log_output
    caplog.set_level(logging.DEBUG)
    logger.error("update 7", exc_info=_raised(NetworkError("down")))
    assert "Traceback" in output.getvalue()


async def test_a_reminder_job_failing_for_an_outage_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """APScheduler logs a failed job at ERROR with its traceback; the database away is one line."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(OutageFilter(is_outage))
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    apscheduler = logging.getLogger("apscheduler.executors.default")
    apscheduler.addHandler(handler)
    caplog.set_level(logging.INFO)
    scheduler = AsyncIOScheduler()
    done = asyncio.Event()

    async def fire() -> None:
        done.set()
        raise ConnectionRefusedError(111, "Connect call failed")

    try:
        scheduler.start()
        scheduler.add_job(fire, id="reminder:s1:15")
        await asyncio.wait_for(done.wait(), 5)
        for _ in range(100):
            if "raised an exception" in output.getvalue():
                break
            await asyncio.sleep(0.01)
    finally:
        scheduler.shutdown(wait=False)
        apscheduler.removeHandler(handler)
    text = output.getvalue()
    assert "Traceback" not in text
    [failed] = [line for line in text.splitlines() if "raised an exception" in line]
    assert failed.startswith("WARNING apscheduler.executors.default: Job ")
    assert failed.endswith("raised an exception: ConnectionRefusedError: [Errno 111] Connect call failed")


def test_database_outages_are_told_from_bugs() -> None:
    full = OperationalError("x", {}, sqlite3.OperationalError("database or disk is full"))
    assert database_outage(full) and is_outage(full)
    no_table = OperationalError("x", {}, sqlite3.OperationalError("no such table: users"))
    assert not database_outage(no_table) and not is_outage(no_table)


async def test_graph_retries_log_one_line_with_the_attempt_and_the_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = GraphApi(f"http://127.0.0.1:{free_port()}/v26.0", "page-token", backoff=QUICK)
    try:
        with caplog.at_level(logging.INFO), pytest.raises(GraphError):
            await api.post("/me/messages", {}, attempts=3)
    finally:
        await api.stop()
    retries = lines(caplog, "handlers.messenger.graph")
    assert len(retries) == 2
    assert "Graph API /me/messages failed (ClientConnectorError" in retries[0]
    assert "attempt 1/3, next try in" in retries[0] and "attempt 2/3" in retries[1]


# The database at start ----------------------------------------------------------------------------


async def test_an_unreachable_database_is_waited_for_then_named_without_its_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store.open(f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:{free_port()}/bot")
    started = asyncio.get_running_loop().time()
    try:
        with caplog.at_level(logging.INFO), pytest.raises(DatabaseUnavailable) as caught:
            await store.connect(wait=1.5)
    finally:
        await store.close()
    assert 1.4 <= asyncio.get_running_loop().time() - started < 5
    message = str(caught.value)
    assert "postgresql+asyncpg://bot:***@127.0.0.1" in message and PASSWORD not in message
    assert "ConnectionRefusedError" in message and "BOT_DB_WAIT" in message
    attempts = lines(caplog, "bot.store.store")
    assert len(attempts) >= 1 and all(PASSWORD not in line for line in attempts)
    assert "not reachable (ConnectionRefusedError" in attempts[0] and "attempt 1, next try in" in attempts[0]


async def test_a_sqlite_file_that_cannot_be_opened_is_not_waited_for() -> None:
    threads = threading.active_count()
    store = Store.open("sqlite+aiosqlite:////nonexistent-dir/bot.db")
    try:
        with pytest.raises(DatabaseUnavailable, match="unable to open database file") as caught:
            await store.connect(wait=60)
    finally:
        await store.close()
    assert caught.value.waited is None
    # aiosqlite's worker thread of the failed connection finishes on its own, in this loop.
    for _ in range(200):
        if threading.active_count() <= threads:
            break
        await asyncio.sleep(0.01)


def test_an_unreadable_database_url_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        Store.open(f"postgresql+asyncpg://bot:{PASSWORD}@db:port/bot")
    assert "postgresql+asyncpg://użytkownik:hasło@host:port/baza" in str(caught.value)
    assert PASSWORD not in str(caught.value)


async def test_stop_while_waiting_for_the_database() -> None:
    store = Store.open(f"postgresql+asyncpg://bot@127.0.0.1:{free_port()}/bot")
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.3, stop.set)
    try:
        with pytest.raises(Stopped):
            await asyncio.wait_for(store.connect(wait=60, stop=stop), 3)
    finally:
        await store.close()


# The web server's port --------------------------------------------------------------------------


async def test_a_taken_port_names_bot_host_and_bot_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            ConfigError, match=rf"BOT_HOST/BOT_PORT: .*127\.0\.0\.1:{port} — ten port jest już zajęty"
        ):
            async with web_server([], "127.0.0.1", port):
                pass


# A simulated clock, said out loud -----------------------------------------------------------------


def _stats() -> Statistics:
    return Statistics(users=1, blocked=0, subscribers=0, sent=0, failed=0, skipped=0, unanswered=[])


def test_statistics_say_the_clock_is_simulated(conference: Conference) -> None:
    clock = SimulatedClock(parse_now("2023-11-29 14:00", conference.tz), speed=60)
    text = render_plain(statistics_reply(_stats(), clock))
    assert text.startswith(
        "⚠️ Zegar symulowany (BOT_NOW / --now): dla bota jest teraz środa, 29 listopada 2023, 14:0"
    )
    assert "60 razy szybciej" in text and "Odpowiedzi i przypomnienia idą według niego" in text
    assert "Użytkownicy: 1" in text
    real = render_plain(statistics_reply(_stats(), SystemClock(conference.tz)))
    assert "Zegar" not in real and real.startswith("Statystyki")


def test_run_warns_when_the_clock_is_simulated(
    conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        warn_if_simulated(SystemClock(conference.tz))
        assert caplog.records == []
        warn_if_simulated(SimulatedClock(parse_now("2023-11-29 14:00", conference.tz), speed=60))
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "BOT_NOW" in message and "--now" in message and "2023-11-29 14:00" in message
    assert "60×" in message and "answers and reminders follow this clock" in message
