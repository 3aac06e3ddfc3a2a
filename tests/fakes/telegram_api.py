"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

It speaks the Bot API's HTTP protocol as PTB uses it (form-encoded bodies whose complex
values are JSON), keeps every call it receives, serves queued updates to getUpdates with
long polling, and can be told to fail a method with a given status (429 with retry_after,
500, …). It runs uvicorn in a thread with its own event loop, so the bot under test runs
unchanged in the test's loop (or in another process, via `python -m tests.fakes.telegram_api`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-token-never-real"
BOT_ID = 123456
BOT_USERNAME = "MiejscaOtwarteBot"
SENDING = frozenset({"sendMessage", "sendVenue", "sendLocation", "editMessageText", "sendDocument"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _text(value: Any) -> Any:
    """A JSON body's scalar as PTB's form encoding would send it: strings as they are, the rest
    as JSON text ("42", "true"); objects and lists stay decoded."""
    return value if isinstance(value, str | dict | list) else json.dumps(value)


def _value(raw: str) -> Any:
    """PTB sends scalars as text and objects as JSON; decode JSON objects and lists only."""
    if raw[:1] in "[{":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Fields of a multipart body; a file field becomes {"filename", "content"}."""
    document = BytesParser(policy=email_policy).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, Any] = {}
    for part in document.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        filename = part.get_filename()
        if filename:
            fields[str(name)] = {"filename": filename, "content": content}
        else:
            fields[str(name)] = _value(content.decode())
    return fields


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def markup(self) -> dict[str, Any] | None:
        value = self.params.get("reply_markup")
        return value if isinstance(value, dict) else None

    def buttons(self) -> list[dict[str, Any]]:
        markup = self.markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


@dataclass(frozen=True)
class StoredFile:
    """A file people sent, as getFile describes it and the file route serves it."""

    body: bytes
    path: str  # getFile's file_path, relative to /file/bot<token>/


@dataclass
class Failure:
    status: int
    times: int
    retry_after: int | None = None
    description: str = "Internal Server Error"


class FakeBotApi:
    """The fake server; thread-safe to drive from the test while it serves in its own thread."""

    def __init__(self, token: str = TOKEN, port: int | None = None) -> None:
        self.token = token
        self.port = port or free_port()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, list[Failure]] = {}
        self.webhook: dict[str, Any] | None = None
        self.files: dict[str, StoredFile] = {}
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._news: asyncio.Event | None = None
        self._called: asyncio.Event | None = None  # set on each call, for /_fake/calls' long poll
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self.send_delay = 0.0  # seconds each sendMessage takes, to slow a fan-out down

    # Driving the fake from a test ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def push(self, *updates: dict[str, Any]) -> None:
        """Queue updates for getUpdates."""
        with self._lock:
            self.updates.extend(updates)
        if self._loop is not None and self._news is not None:
            self._loop.call_soon_threadsafe(self._news.set)

    def add_file(
        self, file_id: str, body: bytes, name: str, *, size: int | None = None, sized: bool = True
    ) -> dict[str, Any]:
        """Register a file for getFile and the download route; returns the `document` of a message
        carrying it. `size`: the file_size Telegram states (default: the real one); `sized=False`
        leaves it out, as Telegram may."""
        with self._lock:
            number = len(self.files) + 1
            self.files[file_id] = StoredFile(body, f"documents/file_{number}")
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"unique-{number}",
            "file_name": name,
            "mime_type": "application/octet-stream",
        }
        if sized:
            document["file_size"] = len(body) if size is None else size
        return document

    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """Make the next `times` calls of `method` fail with `status`."""
        description = "Too Many Requests: retry after" if status == 429 else "Internal Server Error"
        with self._lock:
            self.failures.setdefault(method, []).append(Failure(status, times, retry_after, description))

    def calls_of(self, *methods: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method in methods]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Everything the bot sent or edited, optionally to one chat."""
        return [c for c in self.calls_of(*SENDING) if chat_id is None or c.chat_id == chat_id]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    async def wait_for(
        self, predicate: Callable[[FakeBotApi], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        """Wait (in the test's loop) until `predicate(self)` holds."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; calls: {self.summary()}")
            await asyncio.sleep(0.01)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Call]:
        await self.wait_for(
            lambda api: len(api.sent(chat_id)) >= count, timeout, f"{count} sends to {chat_id}"
        )
        return self.sent(chat_id)

    def summary(self) -> str:
        with self._lock:
            return ", ".join(f"{c.method}({c.chat_id})" for c in self.calls[-30:])

    # Serving ---------------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
                Route("/_fake/updates", self._push_updates, methods=["POST"]),
                Route("/_fake/stats", self._stats, methods=["GET"]),
                Route("/_fake/reset", self._reset, methods=["POST"]),
                Route("/_fake/fail", self._fail_route, methods=["POST"]),
                Route("/_fake/sent", self._sent_route, methods=["GET"]),
                Route("/_fake/calls", self._calls_route, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off")
        self._server = uvicorn.Server(config)
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._news = asyncio.Event()
            self._called = asyncio.Event()
            loop.call_soon(ready.set)
            assert self._server is not None
            loop.run_until_complete(self._server.serve())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        ready.wait(5)
        deadline = time.monotonic() + 5
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Bot API did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._closing = True
        if self._loop is not None and self._news is not None:
            self._loop.call_soon_threadsafe(self._news.set)  # wake long polls so shutdown is quick
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            return {k: _value(v) for k, v in request.query_params.items()}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await request.json()
            # Scalars as a form would carry them (text), so tests read both encodings alike.
            return {k: _text(v) for k, v in body.items()} if isinstance(body, dict) else {}
        if content_type.startswith("multipart/form-data"):  # a file upload (sendDocument)
            return _multipart(content_type, await request.body())
        # PTB posts application/x-www-form-urlencoded unless it uploads a file.
        body = (await request.body()).decode()
        return {k: _value(v) for k, v in parse_qsl(body, keep_blank_values=True)}

    async def _handle(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path_params["method"]
        params = await self._params(request)
        with self._lock:
            self._record(Call(method, params))
            queue = self.failures.get(method)
            failure = queue[0] if queue else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)  # type: ignore[union-attr]
        if failure is not None:
            params["_failed"] = True
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return JSONResponse(body, failure.status)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        result = await handler(params)
        if isinstance(result, Response):  # the method's own error
            return result
        return JSONResponse({"ok": True, "result": result})

    def _record(self, call: Call) -> None:
        """Keep a call (under the lock, in the server's loop) and wake /_fake/calls' long polls."""
        self.calls.append(call)
        if self._called is not None:
            self._called.set()

    async def _download(self, request: Request) -> Response:
        """GET /file/bot<token>/<file_path>: a registered file's bytes (recorded as a "download" call)."""
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["file_path"]
        with self._lock:
            self._record(Call("download", {"file_path": path}))
            found = next((f for f in self.files.values() if f.path == path), None)
        if found is None:
            return Response(status_code=404)
        return Response(found.body, media_type="application/octet-stream")

    # Bot API methods -------------------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Miejsca Otwarte",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        limit = int(params.get("limit", 100) or 100)
        timeout = float(params.get("timeout", 0) or 0)
        deadline = time.monotonic() + timeout
        assert self._news is not None
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                batch = self.updates[:limit]
                if not batch:
                    self._news.clear()
            if batch or self._closing or time.monotonic() >= deadline:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._news.wait(), max(deadline - time.monotonic(), 0.001))

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Miejsca Otwarte", "username": BOT_USERNAME},
            **content,
        }

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        return self._message(params, text=str(params["text"]))

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, text=str(params["text"]))
        message["message_id"] = int(params["message_id"])
        return message

    async def _api_sendVenue(self, params: dict[str, Any]) -> dict[str, Any]:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        venue = {"location": location, "title": params["title"], "address": params["address"]}
        return self._message(params, venue=venue, location=location)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params.get("document")
        name = upload["filename"] if isinstance(upload, dict) else "file"
        document = {"file_id": "BQACAgIAAxk", "file_unique_id": "AgADBQ", "file_name": name}
        return self._message(params, document=document, caption=params.get("caption"))

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any] | Response:
        file_id = str(params.get("file_id", ""))
        with self._lock:
            found = self.files.get(file_id)
        if found is None:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return JSONResponse(body, 400)
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{file_id}",
            "file_size": len(found.body),
            "file_path": found.path,
        }

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, text="…")
        message["message_id"] = int(params["message_id"])
        return message

    async def _api_sendLocation(self, params: dict[str, Any]) -> dict[str, Any]:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        return self._message(params, location=location)

    # Control routes, for a fake running in another process -----------------------------------

    async def _push_updates(self, request: Request) -> JSONResponse:
        updates = await request.json()
        self.push(*updates)
        return JSONResponse({"queued": len(updates)})

    async def _stats(self, request: Request) -> JSONResponse:
        with self._lock:
            counts: dict[str, int] = {}
            for call in self.calls:
                counts[call.method] = counts.get(call.method, 0) + 1
            return JSONResponse({"calls": counts, "pending_updates": len(self.updates)})

    async def _fail_route(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.fail(body["method"], int(body["status"]), int(body.get("times", 1)), body.get("retry_after"))
        return JSONResponse({"ok": True})

    async def _sent_route(self, request: Request) -> JSONResponse:
        """Chat ids of every successful sendMessage, in order (for counting losses and duplicates)."""
        with self._lock:
            failed_ids = {id(c) for c in self.calls if c.params.get("_failed")}
            chats = [c.chat_id for c in self.calls if c.method == "sendMessage" and id(c) not in failed_ids]
        return JSONResponse({"chats": chats})

    async def _calls_route(self, request: Request) -> JSONResponse:
        """`GET /_fake/calls?since=K&wait=S`: the calls from the K-th on, each with its method, chat id
        and arrival time (time.monotonic(), one clock for every process on the machine), waiting up
        to S seconds for one to come; `next` is the K to ask with next time."""
        since = int(request.query_params.get("since", 0))
        deadline = time.monotonic() + float(request.query_params.get("wait", 0))
        assert self._called is not None
        while True:
            with self._lock:
                new = self.calls[since:]
                if not new:
                    self._called.clear()  # no await between the check and the clear: no call missed
            if new or time.monotonic() >= deadline:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._called.wait(), max(deadline - time.monotonic(), 0.001))
        listed = [
            {
                "method": c.method,
                "chat_id": c.params.get("chat_id"),
                "at": c.at,
                "failed": bool(c.params.get("_failed")),
            }
            for c in new
        ]
        return JSONResponse({"calls": listed, "next": since + len(listed)})

    async def _reset(self, request: Request) -> JSONResponse:
        with self._lock:
            self.calls.clear()
            self.updates.clear()
            self.failures.clear()
        return JSONResponse({"ok": True})


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API on 127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    api = FakeBotApi(args.token, args.port).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        api.stop()


if __name__ == "__main__":
    main()
