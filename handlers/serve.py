"""Running the channels: Telegram by long polling or webhook, Messenger by webhook, in one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import BaseRoute
from telegram.error import InvalidToken

from bot import timeexpr
from bot.assistant import Assistant
from bot.backoff import Stopped
from bot.clock import Clock, SimulatedClock, SystemClock
from bot.config import OFFICIAL_TELEGRAM_URL, ConfigError, Settings
from bot.conversation import Conversation
from bot.formats.merging import programme_url
from bot.logs import one_line
from bot.metrics import Metrics
from bot.reply import Reply
from bot.store.locks import DatabaseInUse, PersonLocks, SqliteFileLock
from bot.store.store import DatabaseUnavailable, Person, Store
from handlers.handled import Claims, HandledUpdates, RecentUpdates
from handlers.health import Health
from handlers.messenger.app import Messenger, build_messenger, reminder_notes, skips_silent_people
from handlers.messenger.sender import CHANNEL as MESSENGER
from handlers.operations import Operations
from handlers.outages import log_outages_briefly
from handlers.telegram.app import (
    TelegramApp,
    build_application,
    fanout_telegram_bot,
    telegram_routes,
)
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.replies import CHANNEL as TELEGRAM
from handlers.telegram.replies import Replier
from handlers.telegram.startup import WebhookRefused, start_telegram, stop_telegram
from handlers.web import TelegramGate, web_server
from scheduler.announcements import Announcements
from scheduler.election import Election
from scheduler.leadership import Leadership
from scheduler.limiter import RateLimiter
from scheduler.notifier import ChannelNotifier, FloodWait, Notifier, Outcome
from scheduler.poller import DEFAULT_MINUTES, Poller
from scheduler.reminders import Reminders

logger = logging.getLogger(__name__)


def settle_heap() -> None:
    """Exempt what start-up loaded (data, dictionaries, libraries) from garbage collection.

    The long-lived heap is large (morphology forms, dateparser's tables) and never becomes
    garbage; without this every full collection walks all of it again. Measured with
    bench/bench_telegram.py: about 20 % more updates per second.
    """
    gc.collect()
    gc.freeze()


def stop_on_signals(stop: asyncio.Event) -> None:
    """Ctrl+C and SIGTERM (docker stop, systemd) end the bot cleanly, also while it waits at start."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


OnStart = Callable[[], Awaitable[None]]


@contextlib.asynccontextmanager
async def running_telegram(
    application: TelegramApp,
    webhook: Settings | None = None,
    poll_timeout: float = 30,
    stop: asyncio.Event | None = None,
    handled: Claims | None = None,
) -> AsyncIterator[list[BaseRoute]]:
    """PTB started (however long Telegram takes): long polling, or the webhook set and its route
    (claiming each update with `handled`)."""
    try:
        await start_telegram(application, webhook, stop=stop, poll_timeout=poll_timeout)
        routes: list[BaseRoute] = []
        if webhook is not None:
            routes = list(telegram_routes(application, webhook.webhook_secret(), handled))
        yield routes
    finally:
        await stop_telegram(application)


async def until_stopped(
    stop: asyncio.Event, serving: asyncio.Task[None] | None = None, *tasks: asyncio.Task[Any]
) -> None:
    """Until `stop` is set, the web server ends (uvicorn handles SIGINT/SIGTERM itself), or one of
    `tasks` is done."""
    stopping = asyncio.create_task(stop.wait())
    waiting = {stopping, *tasks} | ({serving} if serving is not None else set())
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()


async def run_polling(
    application: TelegramApp, stop: asyncio.Event, poll_timeout: float = 30, on_start: OnStart | None = None
) -> None:
    """Telegram by long polling until `stop` is set."""
    with contextlib.suppress(Stopped):
        async with running_telegram(application, poll_timeout=poll_timeout, stop=stop):
            if on_start is not None:
                await on_start()
            logger.info("bot @%s running (long polling)", application.bot.username)
            await until_stopped(stop)


async def run_webhook(
    application: TelegramApp,
    settings: Settings,
    stop: asyncio.Event,
    started: asyncio.Event | None = None,
    on_start: OnStart | None = None,
    handled: Claims | None = None,
) -> None:
    """PTB inside our own Starlette app served by uvicorn; Telegram posts updates to it."""
    with contextlib.suppress(Stopped):
        async with running_telegram(application, settings, stop=stop, handled=handled) as routes:
            if on_start is not None:
                await on_start()
            async with web_server(routes, settings.bot_host, settings.bot_port) as serving:
                logger.warning(
                    "bot @%s running (webhook on %s:%s)",
                    application.bot.username,
                    settings.bot_host,
                    settings.bot_port,
                )
                if started is not None:
                    started.set()
                await until_stopped(stop, serving)


class CurrentAssistant:
    """The assistant every channel answers with; a data reload puts a new one in its place."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.followers: list[Callable[[Assistant], None]] = []

    def __call__(self) -> Assistant:
        return self.assistant

    def swap(self, new: Assistant) -> None:
        self.assistant = new
        for follow in self.followers:
            follow(new)


class Connecting:
    """A channel still connecting at start: its reminders wait (as a flood wait, which the
    fan-out sits out without holding a sending slot) instead of failing, while the other channels'
    reminders go out on time."""

    WAIT = 30.0  # seconds; the fan-out tries a message ten times, so this waits up to five minutes

    def __init__(self, channel: Notifier, ready: asyncio.Event) -> None:
        self.channel = channel
        self.ready = ready

    async def send(self, person: Person, reply: Reply) -> Outcome:
        if not self.ready.is_set():
            raise FloodWait(self.WAIT)
        return await self.channel.send(person, reply)


def warn_if_simulated(clock: Clock) -> None:
    """A clock set by BOT_NOW or --now, said loudly: a live bot must not answer by a rehearsal's."""
    if isinstance(clock, SystemClock):
        return
    start = clock.start if isinstance(clock, SimulatedClock) else clock.now()
    logger.warning(
        "SIMULATED CLOCK (BOT_NOW / --now): started at %s, running at %g× real time, now %s — "
        "answers and reminders follow this clock, not the real time; unset BOT_NOW and drop --now "
        "for a live event",
        start.strftime("%Y-%m-%d %H:%M"),
        clock.speed,
        clock.now().strftime("%Y-%m-%d %H:%M"),
    )


async def _open_database(store: Store, settings: Settings, stop: asyncio.Event) -> None:
    """Wait for the database (BOT_DB_WAIT), then migrate it; `ConfigError` naming DATABASE_URL."""
    try:
        await store.connect(settings.bot_db_wait, stop)
        await store.migrate()
    except DatabaseUnavailable as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from None
    except (SQLAlchemyError, OSError) as exc:
        problem = one_line(exc)
        raise ConfigError(f"DATABASE_URL: migracja bazy {store.url} nie powiodła się ({problem})") from None


def serve_forever(settings: Settings, assistant: Assistant, data_path: Path | None = None) -> None:
    """`python -m bot run`: every channel whose settings are present, until Ctrl+C or SIGTERM.

    Telegram by webhook if TELEGRAM_WEBHOOK_URL is set, else by long polling; Messenger by its
    webhook, on the same web server. In order: the database (waited for up to BOT_DB_WAIT s and
    migrated), the web server and Messenger, reminders, then Telegram — retried for as long as it
    takes, so an outage at boot delays only Telegram. Every start-up problem the operator can fix
    is raised as `ConfigError` naming the setting.
    """
    settings.require_a_channel()
    webhook = settings.telegram_webhook_url is not None
    if settings.telegram_configured:
        settings.telegram_token()
        if webhook:
            settings.webhook_secret()
    if settings.messenger_configured:
        settings.messenger_credentials()
    log_outages_briefly()
    warn_if_simulated(assistant.clock)
    try:
        store = Store.open(settings.database_url)
    except DatabaseUnavailable as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from None
    file_lock = SqliteFileLock.for_url(store.engine.url)
    if file_lock is not None:
        try:
            file_lock.acquire()  # held until this process ends: SQLite is for one process
        except DatabaseInUse as exc:
            raise ConfigError(f"DATABASE_URL: {exc}") from None
    try:
        _serve(settings, assistant, store, data_path, webhook)
    finally:
        if file_lock is not None:
            file_lock.release()


def _serve(
    settings: Settings, assistant: Assistant, store: Store, data_path: Path | None, webhook: bool
) -> None:
    """`serve_forever` once the database is this process's to use."""
    current = CurrentAssistant(assistant)
    metrics = Metrics()  # this process's own registry, served at /metrics
    leadership = Leadership(metrics)
    health = Health(store, current, leadership, metrics)
    conversation = Conversation(current, store, reminder_notes=reminder_notes(settings), metrics=metrics)
    postgres = store.engine.dialect.name == "postgresql"
    # Several processes on one PostgreSQL answer each update once; SQLite has one process. Long
    # polling has one process too: Telegram hands each update to one getUpdates caller only.
    handled: Claims = HandledUpdates(store) if postgres else RecentUpdates()
    # With a webhook, Telegram's updates are claimed as they arrive (telegram_routes); polled ones
    # as PTB takes them up.
    operations = Operations(
        data_path or settings.bot_data,
        store,
        current=current,
        swap=current.swap,
        messenger_window=skips_silent_people(settings),
        data_max_bytes=settings.data_max_bytes,
        metrics=metrics,
    )
    operations.poller = live_programme(operations, settings)
    channels: dict[str, Notifier] = {}
    telegram_ready = asyncio.Event()
    gate = TelegramGate()

    application: TelegramApp | None = None
    fanout_bot = None
    if settings.telegram_configured:
        application = build_application(
            settings,
            assistant,
            with_updater=not webhook,
            conversation=conversation,
            operations=operations,
            metrics=metrics,
            handled=None if webhook else RecentUpdates(),
        )
        replier: Replier = application.bot_data["replier"]
        current.followers.append(lambda new: setattr(replier, "assistant", new))
        fanout_bot = fanout_telegram_bot(settings, metrics)
        notifier = TelegramNotifier(fanout_bot, replier, paid=settings.bot_paid_broadcast)
        channels[TELEGRAM] = Connecting(notifier, telegram_ready)
    messenger: Messenger | None = None
    person_locks: PersonLocks | None = None
    if settings.messenger_configured:
        if postgres:  # several processes may share it
            person_locks = PersonLocks(store.engine.url)
        messenger = build_messenger(
            settings, current, conversation, operations, metrics, handled, person_locks
        )
        channels[MESSENGER] = messenger.notifier

    reminders = Reminders(
        store,
        ChannelNotifier(channels),
        lambda: current().conference,
        assistant.clock,
        RateLimiter(rate=settings.send_rate),
        stale_after=timedelta(seconds=settings.bot_claim_timeout),
        metrics=metrics,
    )
    operations.reminders = reminders
    operations.fanout = reminders.fanout
    operations.announcements = Announcements(store, reminders.fanout)
    timeexpr.warm_up()  # before the first question, and inside the frozen heap below
    settle_heap()
    background: set[asyncio.Task[object]] = set()

    def start_reminders() -> None:
        reminders.start()
        assert operations.announcements is not None
        # An announcement a crash cut short goes on to whoever has not had it yet.
        task: asyncio.Task[object] = asyncio.create_task(operations.announcements.resume())
        background.add(task)
        task.add_done_callback(background.discard)

    async def lead(stack: contextlib.AsyncExitStack, stop: asyncio.Event) -> None:
        """The reminders on this process: on SQLite (one process) always; on PostgreSQL while it
        holds the election's lock (at once if nobody else does)."""
        if not postgres:
            start_reminders()
            leadership.held = True
            stack.callback(stop_reminders)
            return
        election = Election(store.engine.url, leadership, start_reminders, stop_reminders)
        stack.push_async_callback(election.close)
        await election.attempt()
        electing = asyncio.create_task(election.run(stop))
        stack.push_async_callback(_cancelled, electing)

    def stop_reminders() -> None:
        reminders.stop()
        leadership.held = False

    async def telegram_up(stop: asyncio.Event) -> None:
        assert application is not None
        await start_telegram(application, settings if webhook else None, fanout_bot, stop)
        telegram_ready.set()
        gate.open = True

    async def close_telegram() -> None:
        assert application is not None
        gate.open = False
        await stop_telegram(application, fanout_bot)

    async def serve() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(store.close)
            probes = await _health_server(stack, settings, health, stop)
            await _open_database(store, settings, stop)
            routes: list[BaseRoute] = []
            if application is not None and webhook:
                routes += gate.guard(telegram_routes(application, settings.webhook_secret(), handled))
            if person_locks is not None:
                stack.push_async_callback(person_locks.close)  # after Messenger has drained
            if messenger is not None:
                await messenger.start()  # no network yet: Meta is first called to answer someone
                stack.push_async_callback(messenger.stop)
                routes += messenger.routes
            serving = probes
            if routes:
                server = web_server(routes, settings.bot_host, settings.bot_port, health)
                serving = await stack.enter_async_context(server)
            await lead(stack, stop)
            if operations.poller is not None:  # the programme at a URL: polled from now on
                operations.poller.start()
                stack.push_async_callback(operations.poller.stop)
            if application is not None:
                stack.push_async_callback(close_telegram)
                if messenger is not None:
                    logger.warning("bot running: Messenger (webhook); Telegram starting")
                starting = asyncio.create_task(telegram_up(stop))
                await until_stopped(stop, serving, starting)
                if not starting.done():
                    starting.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Stopped):
                        await starting
                    return
                with contextlib.suppress(Stopped):
                    starting.result()  # a rejected token or webhook address ends the bot here
                if stop.is_set() or (serving is not None and serving.done()):
                    return
            logger.warning("bot running: %s", ", ".join(_describe(settings)))
            await until_stopped(stop, serving)

    try:
        asyncio.run(serve())
    except InvalidToken:
        raise ConfigError(_rejected_token(settings)) from None
    except WebhookRefused as exc:
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL: Telegram nie przyjął adresu webhooka ({exc})") from None
    except Stopped:
        pass  # Ctrl+C or SIGTERM while waiting for the database: nothing to clean up beyond it


async def _cancelled(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _health_server(
    stack: contextlib.AsyncExitStack, settings: Settings, health: Health, stop: asyncio.Event
) -> asyncio.Task[None] | None:
    """`/healthz`, `/readyz` and `/metrics` on BOT_HEALTH_PORT when it is set (and is not the
    webhooks' port, which serves them anyway); started before the database is waited for, so an
    orchestrator sees a live process that is not ready yet."""
    port = separate_health_port(settings)
    if port is None:
        return None
    server = web_server([], settings.bot_host, port, health, setting="BOT_HEALTH_PORT")
    serving = await stack.enter_async_context(server)
    # uvicorn takes SIGINT/SIGTERM while it serves: its end is the bot's end, also at start.
    serving.add_done_callback(lambda _: stop.set())
    logger.info("health and metrics on %s:%s", settings.bot_host, port)
    return serving


def separate_health_port(settings: Settings) -> int | None:
    """BOT_HEALTH_PORT, unless unset or the port the webhooks' server (with the probes) has anyway."""
    port = settings.bot_health_port
    webhooks = settings.telegram_webhook_url is not None or settings.messenger_configured
    if port is None or (webhooks and port == settings.bot_port):
        return None
    return port


def live_programme(operations: Operations, settings: Settings) -> Poller | None:
    """A poll of the programme's source when the data file takes it from a URL (`programme.source`)."""
    found = programme_url(operations.data_path, settings.data_max_bytes)
    if found is None:
        return None
    url, minutes = found
    minutes = minutes or DEFAULT_MINUTES
    logger.info("programme from %s, polled every %g min", url, minutes)
    return Poller(url, operations.apply_source, minutes, settings.data_max_bytes, metrics=operations.metrics)


def _rejected_token(settings: Settings) -> str:
    message = "TELEGRAM_BOT_TOKEN: Telegram odrzucił token — sprawdź go u @BotFather"
    if settings.telegram_base_url != OFFICIAL_TELEGRAM_URL:
        message += f" (albo TELEGRAM_BASE_URL: {settings.telegram_base_url} to nie serwer Bot API)"
    return message


def _describe(settings: Settings) -> list[str]:
    """The channels running, for the start-up log line (no secrets)."""
    described = []
    if settings.telegram_configured:
        mode = "webhook" if settings.telegram_webhook_url else "long polling"
        described.append(f"Telegram ({mode})")
    if settings.messenger_configured:
        described.append("Messenger (webhook)")
    if settings.messenger_configured or settings.telegram_webhook_url:
        described.append(f"web server on {settings.bot_host}:{settings.bot_port}")
    if (port := separate_health_port(settings)) is not None:
        described.append(f"health and metrics on {settings.bot_host}:{port}")
    return described
