"""The baseline for bench_messenger.py: the least a Messenger bot must do, and nothing more.

Checks the signature, parses the JSON, acknowledges, then — like ours — shows "typing…" and sends
one fixed text through the Send API, on ours' transport (aiohttp: one session, 16 connections,
requests queued at a semaphore in front of the pool, the token in a Bearer header). No
understanding, no database, no rendering. With --answers (a "payload echo") it sends, for each
question, our message rendered beforehand instead: the floor for messages as long as ours.

    .venv/bin/python bench/messenger_echo.py --port 8090 --graph http://127.0.0.1:8091/v21.0 [--answers F]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import aiohttp
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from yarl import URL

ECHO = {"text": "Echo."}


def build(graph: str, token: str, secret: str, answers: dict[str, Any] | None = None) -> Starlette:
    """`answers`: question → the message to send (ours, rendered beforehand) instead of "Echo."."""
    session: aiohttp.ClientSession | None = None  # made inside the loop, at the first answer
    url = URL(graph.rstrip("/") + "/me/messages")  # parsed once, as ours
    tasks: set[asyncio.Task[None]] = set()
    gate = asyncio.Semaphore(16)  # as ours: answers queue here, not in the pool

    async def post(body: dict[str, Any]) -> None:
        nonlocal session
        if session is None:
            session = aiohttp.ClientSession(  # as ours: 16 connections, no pool timeout
                connector=aiohttp.TCPConnector(limit=16, limit_per_host=16),
                headers={"Authorization": f"Bearer {token}"},
                timeout=aiohttp.ClientTimeout(total=None, connect=None, sock_connect=5.0, sock_read=10.0),
            )
        async with gate, session.post(url, json=body) as response:
            await response.read()

    async def answer(psid: str, text: str) -> None:
        message = answers.get(text, ECHO) if answers is not None else ECHO
        await post({"recipient": {"id": psid}, "sender_action": "typing_on"})
        await post({"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": message})

    async def receive(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
            return Response(status_code=403)
        data: Any = json.loads(body)
        for entry in data.get("entry", []):
            for item in entry.get("messaging", []):
                text = item.get("message", {}).get("text", "")
                task = asyncio.create_task(answer(item["sender"]["id"], text))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        return PlainTextResponse("EVENT_RECEIVED")

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/messenger/webhook", receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--graph", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--answers", help="a JSON file: question → the message to send (a payload echo)")
    args = parser.parse_args()
    answers = json.loads(Path(args.answers).read_text(encoding="utf-8")) if args.answers else None
    app = build(args.graph, args.token, args.secret, answers)
    # No access log, as ours (handlers/web.py).
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="off")


if __name__ == "__main__":
    main()
