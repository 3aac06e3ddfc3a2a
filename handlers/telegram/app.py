"""The composition root for Telegram: builds the PTB application and registers every handler, in order."""

from __future__ import annotations

import hmac
import logging
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.assistant import Assistant
from bot.config import Settings
from bot.conversation import Conversation
from bot.metrics import Metrics
from handlers.body import BodyRefused, parse_json, read_body, refusal
from handlers.handled import Claims
from handlers.operations import Operations
from handlers.telegram.buttons import Buttons
from handlers.telegram.commands import Commands, bot_commands
from handlers.telegram.errors import on_error
from handlers.telegram.incoming import read_update
from handlers.telegram.messages import ADDRESSED, Messages
from handlers.telegram.organisers import Organisers
from handlers.telegram.personal import Personal
from handlers.telegram.replies import CHANNEL, Replier
from handlers.telegram.request import RetryingRequest
from handlers.telegram.transport import AiohttpRequest
from handlers.telegram.uploads import DocumentUploads
from handlers.uploads import Uploads

logger = logging.getLogger(__name__)
QUESTION = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
PRIVATE_DOCUMENT = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.Document.ALL

# Measured with bench/bench_telegram.py on 2 cores: 4 updates at once keeps the event loop busy
# while replies are in flight; 16 and more only add scheduling overhead (see docs/benchmarks.md).
CONCURRENT_UPDATES = 4
CONNECTION_POOL = 16
FANOUT_POOL = 8  # connections of the bot that sends reminders and announcements (aiohttp)
POOL_TIMEOUT = 10.0  # a reminder fan-out may queue for a connection; it must wait, not fail
POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait for news
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


def build_application(
    settings: Settings,
    assistant: Assistant,
    *,
    request: BaseRequest | None = None,
    with_updater: bool = True,
    concurrent_updates: int = CONCURRENT_UPDATES,
    conversation: Conversation | None = None,
    operations: Operations | None = None,
    metrics: Metrics | None = None,
    handled: Claims | None = None,
) -> TelegramApp:
    """The bot, wired: commands first, then buttons, then free text, then everything else.

    With `handled`, an update another process (or an earlier delivery) already took is dropped
    before anything else sees it.
    """
    base = settings.telegram_base_url
    metrics = metrics or Metrics()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token())
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .request(request or RetryingRequest(answers_transport(), metrics=metrics))
        .concurrent_updates(concurrent_updates)
        .job_queue(None)  # reminders have their own persistent scheduler (scheduler/)
        .post_init(_register_commands)
    )
    if with_updater:
        # Wrapped for its errors' count only: getUpdates is never retried here (see request.py).
        polling = RetryingRequest(AiohttpRequest(read_timeout=POLL_TIMEOUT + 10), metrics=metrics)
        builder = builder.get_updates_request(polling)
    else:
        builder = builder.updater(None)
    application = builder.build()

    replier = Replier(assistant, conversation=conversation)
    commands = Commands(replier)
    personal = Personal(replier)
    uploads = DocumentUploads(replier, Uploads(operations)) if operations is not None else None
    organisers = Organisers(replier, settings.admin_ids, operations, uploads)
    uploaders = settings.admin_ids if uploads is not None else frozenset()
    buttons = Buttons(replier, commands, personal, organisers)
    messages = Messages(replier)
    application.bot_data["replier"] = replier

    async def intake(update: Update, context: Any) -> None:
        """Every update, before any other handler (one group: each group costs PTB a dispatch).

        A duplicate stops here, neither counted nor answered: the webhook has acknowledged it, so
        Telegram stops sending it. The rest is counted, and whoever writes is a known user from the
        first /start (announcements reach them; writing again lifts a block).
        """
        if handled is not None and not await handled.claim(CHANNEL, str(update.update_id)):
            raise ApplicationHandlerStop
        metrics.update(CHANNEL, update_kind(update))
        if conversation is not None:
            await personal.track(update, context)

    application.add_handler(TypeHandler(Update, intake), group=-1)
    application.add_handlers(
        [
            # CommandHandler answers "/teraz" and "/teraz@thisbot", never "/teraz@otherbot".
            CommandHandler("start", commands.start),
            CommandHandler(["pomoc", "help"], commands.help),
            CommandHandler("teraz", commands.now),
            CommandHandler("dalej", commands.next),
            CommandHandler("program", commands.programme),
            CommandHandler("wizyty", commands.visits),
            CommandHandler("dojazd", commands.directions),
            CommandHandler("kontakt", commands.contact),
            CommandHandler("przypomnienia", personal.reminders),
            CommandHandler("plan", personal.plan),
            CommandHandler("usun_dane", personal.forget),
            # Organisers' commands are not in the public menu; each checks ADMIN_IDS itself.
            CommandHandler("statystyki", organisers.statistics),
            CommandHandler("przeladuj", organisers.reload),
            CommandHandler("ogloszenie", organisers.announce),
            CallbackQueryHandler(buttons.on_tap),
            # Order matters below: free text before the catch-alls for commands and other messages.
            MessageHandler(QUESTION & ADDRESSED, messages.on_text),
            MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, messages.on_unknown_command),
            # Before on_other: an organiser's document is a data file to check; anyone else's
            # gets the polite answer (no ADMIN_IDS, or no operations: nobody gets through).
            MessageHandler(PRIVATE_DOCUMENT & filters.User(user_id=uploaders), organisers.on_document),
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, messages.on_other),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE, messages.on_edited),
        ]
    )
    application.add_error_handler(on_error)
    return application


async def _register_commands(application: TelegramApp) -> None:
    """Polish command descriptions in Telegram's menu, for this event, set at every start."""
    replier: Replier = application.bot_data["replier"]
    await application.bot.set_my_commands(bot_commands(replier.assistant.conference))


def answers_transport() -> AiohttpRequest:
    """The answers' transport: aiohttp, as the fan-out's, for its lower CPU per request
    (bench/bench_telegram.py --transport); answers wait for a connection rather than fail."""
    return AiohttpRequest(connection_pool_size=CONNECTION_POOL, pool_timeout=POOL_TIMEOUT)


def fanout_transport() -> AiohttpRequest:
    """The fan-out bot's transport: aiohttp, a few connections, willing to wait for one."""
    return AiohttpRequest(connection_pool_size=FANOUT_POOL, pool_timeout=POOL_TIMEOUT)


def update_kind(update: Update) -> str:
    """What an update is counted as: a button tap, a command, a text message, or anything else."""
    if update.callback_query is not None:
        return "callback"
    text = update.message.text if update.message is not None else None
    if not text:
        return "other"
    return "command" if text.startswith("/") else "message"


def fanout_telegram_bot(settings: Settings, metrics: Metrics | None = None) -> Bot:
    """A second Bot, on its own transport and connections, for reminders and announcements.

    A 10,000-message fan-out then never queues in front of the answers people are waiting for,
    and it runs on aiohttp, which costs a fifth of httpx's CPU per request (handlers/telegram/
    transport.py; bench/bench_fanout.py).
    """
    base = settings.telegram_base_url
    request = RetryingRequest(fanout_transport(), flood_waits=False, metrics=metrics)
    return Bot(
        settings.telegram_token(), base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request
    )


def webhook_url(settings: Settings) -> str:
    """The public URL Telegram posts to; a bare origin gets our webhook path appended."""
    url = settings.telegram_webhook_url or ""
    rest = url.partition("://")[2]
    if "/" not in rest:
        return url + WEBHOOK_PATH
    return url


def telegram_routes(application: TelegramApp, secret: str, handled: Claims | None = None) -> list[Route]:
    """`POST /telegram/webhook`: check Telegram's secret header, queue the update, answer at once.

    Anyone can post here: without the secret the body is not even read (403); a body over 1 MB
    is refused as it streams in (413); one that is not a JSON object gets 400; an object that is
    not an update our handlers can take is acknowledged and dropped (200), so Telegram does not
    deliver it again and again.

    With `handled`, each update is claimed here, before it is queued: a duplicate is acknowledged
    and dropped. Claimed as deliveries arrive, not once PTB takes them up (4 at a time), the claims
    of every delivery in flight share one statement (bot/store/direct.py).
    """

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("webhook: request without the right secret token dropped")
            return refusal(HTTPStatus.FORBIDDEN, "forbidden")
        try:
            data = parse_json(await read_body(request))
        except BodyRefused as refused:
            logger.warning("Telegram webhook: body refused (%s), dropped", refused.reason)
            return refused.response
        except ValueError:
            logger.warning("Telegram webhook: body is not JSON, dropped")
            return PlainTextResponse("bad request", status_code=HTTPStatus.BAD_REQUEST)
        if not isinstance(data, dict):
            logger.warning("Telegram webhook: body is not a JSON object, dropped")
            return PlainTextResponse("bad request", status_code=HTTPStatus.BAD_REQUEST)
        update = read_update(data, application.bot)
        if update is None:
            return PlainTextResponse("ok")
        if handled is not None and not await handled.claim(CHANNEL, str(update.update_id)):
            return PlainTextResponse("ok")  # taken by another process or an earlier delivery
        await application.update_queue.put(update)
        return PlainTextResponse("ok")

    return [Route(WEBHOOK_PATH, webhook, methods=["POST"])]
