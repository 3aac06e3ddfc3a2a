"""The baseline for bench_processes.py --echo: the least a Telegram webhook bot must do, and nothing more.

PTB's own echo example (a text that is not a command gets itself back, by `reply_text`) behind a
webhook, on ours' transport (aiohttp, `answers_transport()`), ours' concurrency (CONCURRENT_UPDATES
updates at once) and ours' web server (Starlette on uvicorn). Checks the secret header, parses the
JSON, queues the update for PTB, acknowledges. No understanding, no database, no rendering, no
retries. At start it calls nothing but what PTB's initialize does (getMe): no setWebhook.

    .venv/bin/python bench/telegram_webhook_echo.py --port 8090 --fake http://127.0.0.1:8091 \
        --token 123456:TEST-token-never-real --secret bench_Secret-13
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the project

from handlers.telegram.app import (
    CONCURRENT_UPDATES,
    SECRET_HEADER,
    WEBHOOK_PATH,
    answers_transport,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def build(fake: str, token: str, secret: str) -> Starlette:
    application = (  # PTB's echo example, on ours' transport and concurrency; no polling, no jobs
        ApplicationBuilder()
        .token(token)
        .base_url(f"{fake.rstrip('/')}/bot")
        .request(answers_transport())
        .updater(None)
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with application:  # initialize (getMe) before serving, shutdown after
            await application.start()  # takes updates off the queue, CONCURRENT_UPDATES at once
            yield
            await application.stop()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        data = await request.json()
        update = Update.de_json(data, application.bot)
        await application.update_queue.put(update)  # answered later, as ours: acknowledge now
        return PlainTextResponse("ok")

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fake", required=True, help="the fake Bot API's base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    app = build(args.fake, args.token, args.secret)
    # No access log, as ours (handlers/web.py).
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="on")


if __name__ == "__main__":
    main()
