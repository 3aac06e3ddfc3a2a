"""Running the channels: Telegram by long polling, or every webhook inside one Starlette app."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

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
from handlers.operations import Operations
from handlers.telegram.app import (
    TelegramApp,
    build_application,
    fanout_telegram_bot,
    telegram_routes,
    webhook_url,
)
from handlers.telegram.notifier import TelegramNotifier
from handlers.telegram.replies import Replier
from scheduler.announcements import Announcements
from scheduler.limiter import RateLimiter
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


async def run_polling(
    application: TelegramApp, stop: asyncio.Event, poll_timeout: float = 30, on_start: OnStart | None = None
) -> None:
    """Long polling until `stop` is set; PTB's updater retries network errors and 429s itself."""
    async with application:
        await _post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1
        )
        await application.start()
        if on_start is not None:
            await on_start()
        logger.info("bot @%s running (long polling)", application.bot.username)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


async def run_webhook(
    application: TelegramApp,
    settings: Settings,
    stop: asyncio.Event,
    started: asyncio.Event | None = None,
    on_start: OnStart | None = None,
) -> None:
    """PTB inside our own Starlette app served by uvicorn; Telegram posts updates to it."""
    secret = settings.webhook_secret()
    web = build_web_app(telegram_routes(application, secret))
    config = uvicorn.Config(
        web, host=settings.bot_host, port=settings.bot_port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    async with application:
        await _post_init(application)
        await application.bot.set_webhook(
            url=webhook_url(settings), secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        if on_start is not None:
            await on_start()
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if serving.done():  # the port is taken, say: uvicorn has already logged why
            await application.stop()
            raise OSError(f"nie można nasłuchiwać na {settings.bot_host}:{settings.bot_port}")
        logger.warning(
            "bot @%s running (webhook on %s:%s)",
            application.bot.username,
            settings.bot_host,
            settings.bot_port,
        )
        if started is not None:
            started.set()
        # uvicorn handles SIGINT/SIGTERM itself while it serves: either way ends the bot.
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([stopping, serving], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        server.should_exit = True
        await serving
        await application.stop()


def serve_forever(settings: Settings, assistant: Assistant, data_path: Path | None = None) -> None:
    """`python -m bot run`: Telegram by webhook if TELEGRAM_WEBHOOK_URL is set, else long polling.

    Opens the database (migrating it), and schedules reminders once the bot is up. Every start-up
    problem the operator can fix is raised as `ConfigError` naming the setting.
    """
    webhook = settings.telegram_webhook_url is not None
    if webhook:
        settings.webhook_secret()
    store = Store.open(settings.database_url)
    conversation = Conversation(lambda: replier.assistant, store)
    operations = Operations(
        data_path or settings.bot_data,
        store,
        current=lambda: replier.assistant,
        swap=lambda new: setattr(replier, "assistant", new),
    )
    application = build_application(
        settings, assistant, with_updater=not webhook, conversation=conversation, operations=operations
    )
    replier: Replier = application.bot_data["replier"]
    fanout_bot = fanout_telegram_bot(settings)
    reminders = Reminders(
        store,
        TelegramNotifier(fanout_bot, replier),
        lambda: replier.assistant.conference,
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
            if webhook:
                await run_webhook(application, settings, stop, on_start=start_reminders)
            else:
                await run_polling(application, stop, on_start=start_reminders)
        finally:
            if reminders.scheduler.running:
                reminders.scheduler.shutdown(wait=False)
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
