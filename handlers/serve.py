"""Running the channels: Telegram by long polling or webhook, Messenger by webhook, in one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.error import InvalidToken

from bot.assistant import Assistant
from bot.config import ConfigError, Settings
from bot.conversation import Conversation
from bot.store.store import Store
from handlers.messenger.app import Messenger, build_messenger, reminder_notes, skips_silent_people
from handlers.messenger.sender import CHANNEL as MESSENGER
from handlers.operations import Operations
from handlers.telegram.app import (
    TelegramApp,
    build_application,
    fanout_telegram_bot,
    telegram_routes,
    webhook_url,
)
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.replies import CHANNEL as TELEGRAM
from handlers.telegram.replies import Replier
from scheduler.announcements import Announcements
from scheduler.limiter import RateLimiter
from scheduler.notifier import ChannelNotifier, Notifier
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


def build_web_app(routes: Sequence[BaseRoute]) -> Starlette:
    """Channel webhooks plus `GET /healthz` for the load balancer or the organiser's curl."""

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[*routes, Route("/healthz", healthz, methods=["GET"])])


def stop_on_signals(stop: asyncio.Event) -> None:
    """Ctrl+C and SIGTERM (docker stop, systemd) end the bot cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _post_init(application: TelegramApp) -> None:
    """PTB calls post_init only from its own run_* loops; we run the loop ourselves."""
    if application.post_init is not None:
        await application.post_init(application)


OnStart = Callable[[], Awaitable[None]]


@contextlib.asynccontextmanager
async def running_telegram(
    application: TelegramApp, webhook: Settings | None = None, poll_timeout: float = 30
) -> AsyncIterator[list[BaseRoute]]:
    """PTB started: long polling, or (given the settings) the webhook set and its route to serve."""
    async with application:
        await _post_init(application)
        routes: list[BaseRoute] = []
        if webhook is None:
            assert application.updater is not None
            # PTB's updater retries network errors and 429s itself.
            await application.updater.start_polling(
                timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1
            )
        else:
            secret = webhook.webhook_secret()
            await application.bot.set_webhook(
                url=webhook_url(webhook), secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            routes = list(telegram_routes(application, secret))
        await application.start()
        try:
            yield routes
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()


@contextlib.asynccontextmanager
async def web_server(routes: Sequence[BaseRoute], host: str, port: int) -> AsyncIterator[asyncio.Task[None]]:
    """uvicorn serving the webhooks on host:port; yields the serving task (done = it stopped)."""
    config = uvicorn.Config(build_web_app(routes), host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if serving.done():  # the port is taken, say: uvicorn has already logged why
        raise OSError(f"nie można nasłuchiwać na {host}:{port}")
    try:
        yield serving
    finally:
        server.should_exit = True
        await serving


async def until_stopped(stop: asyncio.Event, serving: asyncio.Task[None] | None = None) -> None:
    """Until `stop` is set, or the web server ends (uvicorn handles SIGINT/SIGTERM itself)."""
    stopping = asyncio.create_task(stop.wait())
    waiting: set[asyncio.Task[Any]] = {stopping} | ({serving} if serving is not None else set())
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()


async def run_polling(
    application: TelegramApp, stop: asyncio.Event, poll_timeout: float = 30, on_start: OnStart | None = None
) -> None:
    """Telegram by long polling until `stop` is set."""
    async with running_telegram(application, poll_timeout=poll_timeout):
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
) -> None:
    """PTB inside our own Starlette app served by uvicorn; Telegram posts updates to it."""
    async with running_telegram(application, settings) as routes:
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


def serve_forever(settings: Settings, assistant: Assistant, data_path: Path | None = None) -> None:
    """`python -m bot run`: every channel whose settings are present, until Ctrl+C or SIGTERM.

    Telegram by webhook if TELEGRAM_WEBHOOK_URL is set, else by long polling; Messenger by its
    webhook, on the same web server. Opens the database (migrating it), and schedules reminders
    once the channels are up. Every start-up problem the operator can fix is raised as
    `ConfigError` naming the setting.
    """
    settings.require_a_channel()
    webhook = settings.telegram_webhook_url is not None
    if settings.telegram_configured:
        settings.telegram_token()
        if webhook:
            settings.webhook_secret()
    if settings.messenger_configured:
        settings.messenger_credentials()
    store = Store.open(settings.database_url)
    current = CurrentAssistant(assistant)
    conversation = Conversation(current, store, reminder_notes=reminder_notes(settings))
    operations = Operations(
        data_path or settings.bot_data,
        store,
        current=current,
        swap=current.swap,
        messenger_window=skips_silent_people(settings),
    )
    channels: dict[str, Notifier] = {}

    application: TelegramApp | None = None
    fanout_bot = None
    if settings.telegram_configured:
        application = build_application(
            settings, assistant, with_updater=not webhook, conversation=conversation, operations=operations
        )
        replier: Replier = application.bot_data["replier"]
        current.followers.append(lambda new: setattr(replier, "assistant", new))
        fanout_bot = fanout_telegram_bot(settings)
        channels[TELEGRAM] = TelegramNotifier(fanout_bot, replier)
    messenger: Messenger | None = None
    if settings.messenger_configured:
        messenger = build_messenger(settings, current, conversation, operations)
        channels[MESSENGER] = messenger.notifier

    reminders = Reminders(
        store,
        ChannelNotifier(channels),
        lambda: current().conference,
        assistant.clock,
        RateLimiter(rate=settings.bot_send_rate),
        stale_after=timedelta(seconds=settings.bot_claim_timeout),
    )
    operations.reminders = reminders
    operations.fanout = reminders.fanout
    operations.announcements = Announcements(store, reminders.fanout)
    settle_heap()
    background: set[asyncio.Task[object]] = set()

    async def start_reminders() -> None:
        if fanout_bot is not None:
            await fanout_bot.initialize()
        reminders.scheduler.start()
        reminders.rebuild()
        assert operations.announcements is not None
        # An announcement a crash cut short goes on to whoever has not had it yet.
        task: asyncio.Task[object] = asyncio.create_task(operations.announcements.resume())
        background.add(task)
        task.add_done_callback(background.discard)

    async def serve() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        await store.migrate()
        try:
            async with contextlib.AsyncExitStack() as stack:
                routes: list[BaseRoute] = []
                if application is not None:
                    running = running_telegram(application, settings if webhook else None)
                    routes += await stack.enter_async_context(running)
                if messenger is not None:
                    await messenger.start()
                    stack.push_async_callback(messenger.stop)
                    routes += messenger.routes
                await start_reminders()
                serving = None
                if routes:
                    server = web_server(routes, settings.bot_host, settings.bot_port)
                    serving = await stack.enter_async_context(server)
                logger.warning("bot running: %s", ", ".join(_describe(settings)))
                await until_stopped(stop, serving)
        finally:
            if reminders.scheduler.running:
                reminders.scheduler.shutdown(wait=False)
            if fanout_bot is not None:
                await fanout_bot.shutdown()
            await store.close()

    try:
        asyncio.run(serve())
    except InvalidToken:
        raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram odrzucił token — sprawdź go u @BotFather") from None
    except OSError as exc:
        raise ConfigError(f"BOT_HOST/BOT_PORT: {exc}") from None
    except (SQLAlchemyError, ConnectionError) as exc:
        raise ConfigError(f"DATABASE_URL: nie można otworzyć bazy danych ({type(exc).__name__})") from None


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
    return described
