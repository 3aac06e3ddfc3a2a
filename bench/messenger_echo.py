"""The baseline for bench_messenger.py: the least a Messenger bot must do, and nothing more.

Checks the signature, parses the JSON, acknowledges, then — like ours — shows "typing…" and sends
one fixed text through the Send API with httpx. No understanding, no database, no rendering.

    .venv/bin/python bench/messenger_echo.py --port 8090 --graph http://127.0.0.1:8091/v21.0
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def build(graph: str, token: str, secret: str) -> Starlette:
    client = httpx.AsyncClient(  # as ours: 16 connections, answers queue for one
        base_url=graph,
        headers={"Authorization": f"Bearer {token}"},
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        timeout=httpx.Timeout(10.0, connect=5.0, pool=None),
    )
    tasks: set[asyncio.Task[None]] = set()
    gate = asyncio.Semaphore(16)  # as ours: waiting in httpcore's pool is slow

    async def answer(psid: str) -> None:
        async with gate:
            await client.post("/me/messages", json={"recipient": {"id": psid}, "sender_action": "typing_on"})
        message = {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": "Echo."}}
        async with gate:
            await client.post("/me/messages", json=message)

    async def receive(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
            return Response(status_code=403)
        data: Any = json.loads(body)
        for entry in data.get("entry", []):
            for item in entry.get("messaging", []):
                task = asyncio.create_task(answer(item["sender"]["id"]))
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
    args = parser.parse_args()
    app = build(args.graph, args.token, args.secret)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
