"""A fake Graph API (Messenger's Send and Profile APIs) on 127.0.0.1, for end-to-end tests.

It checks the page token, keeps every call, answers like Meta does (including Meta's error
bodies: `{"error": {"code", "error_subcode", …}}`), and can be told to fail the next calls
of a path. uvicorn runs in a thread with its own loop, so the bot under test runs unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.telegram_api import _multipart, free_port

PAGE_TOKEN = "EAAB-page-token-never-real"
VERSION = "v26.0"


@dataclass
class GraphCall:
    path: str
    body: dict[str, Any]
    failed: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def recipient(self) -> str | None:
        recipient = self.body.get("recipient")
        return str(recipient.get("id")) if isinstance(recipient, dict) else None

    @property
    def message(self) -> dict[str, Any] | None:
        message = self.body.get("message")
        return message if isinstance(message, dict) else None

    @property
    def text(self) -> str:
        return str((self.message or {}).get("text", ""))

    @property
    def quick_replies(self) -> list[dict[str, Any]]:
        return list((self.message or {}).get("quick_replies", []))

    @property
    def file(self) -> dict[str, Any] | None:
        """An uploaded attachment: {"filename", "content"}."""
        value = self.body.get("filedata")
        return value if isinstance(value, dict) else None

    @property
    def titles(self) -> list[str]:
        return [str(q["title"]) for q in self.quick_replies]


@dataclass
class GraphFailure:
    status: int
    code: int
    subcode: int | None
    times: int


class FakeGraphApi:
    def __init__(self, token: str = PAGE_TOKEN, port: int | None = None) -> None:
        self.token = token
        self.port = port or free_port()
        self.calls: list[GraphCall] = []
        self.failures: dict[str, list[GraphFailure]] = {}
        self.tokens_seen: set[str] = set()
        self.delay = 0.0  # seconds each me/messages call takes, to make answers overlap
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        # What /_fake/stats reports, counted as calls arrive: a benchmark polls it, and walking
        # every call each time would cost the fake more the longer a bot takes to finish.
        self._delivered = 0
        self._recipients: set[str | None] = set()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{VERSION}"

    def fail(self, path: str, status: int, code: int, subcode: int | None = None, times: int = 1) -> None:
        """Make the next `times` calls of `path` ("me/messages") fail like Meta would."""
        with self._lock:
            self.failures.setdefault(path, []).append(GraphFailure(status, code, subcode, times))

    def calls_to(self, path: str) -> list[GraphCall]:
        with self._lock:
            return [c for c in self.calls if c.path == path]

    def messages(self, psid: str | None = None) -> list[GraphCall]:
        """Messages delivered (not failed, not sender actions), optionally to one person."""
        return [
            c
            for c in self.calls_to("me/messages")
            if c.message is not None and not c.failed and (psid is None or c.recipient == psid)
        ]

    def actions(self, psid: str) -> list[str]:
        return [
            str(c.body["sender_action"])
            for c in self.calls_to("me/messages")
            if "sender_action" in c.body and c.recipient == psid
        ]

    async def wait_for(self, predicate: Callable[[FakeGraphApi], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls: {[(c.path, c.recipient) for c in self.calls]}")
            await asyncio.sleep(0.01)

    async def wait_messages(self, psid: str, count: int = 1, timeout: float = 10.0) -> list[GraphCall]:
        await self.wait_for(lambda api: len(api.messages(psid)) >= count, timeout)
        return self.messages(psid)

    # Serving ---------------------------------------------------------------------------------

    def start(self) -> FakeGraphApi:
        app = Starlette(
            routes=[
                Route(f"/{VERSION}/{{path:path}}", self._handle, methods=["POST"]),
                Route("/_fake/stats", self._stats, methods=["GET"]),
                Route("/_fake/reset", self._reset, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="off")
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Graph API did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeGraphApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _stats(self, request: Request) -> JSONResponse:
        """For a benchmark in another process: messages delivered so far, and to how many people."""
        with self._lock:
            return JSONResponse({"messages": self._delivered, "people": len(self._recipients)})

    async def _reset(self, request: Request) -> JSONResponse:
        with self._lock:
            self.calls.clear()
            self.failures.clear()
            self._delivered = 0
            self._recipients.clear()
        return JSONResponse({"ok": True})

    @staticmethod
    def _error(status: int, code: int, subcode: int | None, message: str) -> JSONResponse:
        error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        error["fbtrace_id"] = "AbCdEf"
        return JSONResponse({"error": error}, status)

    async def _handle(self, request: Request) -> JSONResponse:
        path = request.path_params["path"]
        # Meta takes the token as `access_token` or as a bearer header; we send the header only.
        token = request.query_params.get("access_token") or request.headers.get("authorization", "")
        token = token.removeprefix("Bearer ")
        with self._lock:
            self.tokens_seen.add(token)
        if token != self.token:
            return self._error(400, 190, None, "Invalid OAuth access token.")
        content_type = request.headers.get("content-type", "")
        try:
            if content_type.startswith("multipart/form-data"):  # an attachment upload
                body = _multipart(content_type, await request.body())
            else:
                body = await request.json()
        except ValueError:
            return self._error(400, 100, None, "Invalid JSON")
        call = GraphCall(path, body if isinstance(body, dict) else {})
        with self._lock:
            self.calls.append(call)
            queue = self.failures.get(path)
            failure = queue[0] if queue else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)  # type: ignore[union-attr]
                call.failed = True
            elif path == "me/messages" and call.message is not None:  # as messages() counts them
                self._delivered += 1
                self._recipients.add(call.recipient)
        if failure is not None:
            return self._error(failure.status, failure.code, failure.subcode, "injected failure")
        if path == "me/messages":
            if self.delay:
                await asyncio.sleep(self.delay)
            if call.recipient is None:
                return self._error(400, 100, None, "(#100) The parameter recipient is required")
            message = call.message
            if message is not None:
                problem = _message_problem(message)
                if problem:
                    return self._error(400, 100, None, problem)
            if "tag" in call.body and call.body.get("messaging_type") != "MESSAGE_TAG":
                return self._error(400, 100, None, "(#100) tag requires messaging_type MESSAGE_TAG")
            reply: dict[str, Any] = {"recipient_id": call.recipient}
            if message is not None:
                reply["message_id"] = f"m_{next(self._ids)}"
            return JSONResponse(reply)
        if path == "me/messenger_profile":
            return JSONResponse({"result": "success"})
        return self._error(400, 100, None, f"Unknown path {path}")


def _message_problem(message: dict[str, Any]) -> str | None:
    """What Meta would refuse in a message: the limits the channel must keep."""
    attachment = message.get("attachment")
    if isinstance(attachment, dict):
        return None if attachment.get("type") in ("file", "image", "audio", "video") else "(#100) bad type"
    text = message.get("text")
    if not isinstance(text, str) or not text:
        return "(#100) message text is required"
    if len(text.encode("utf-16-le")) // 2 > 2000:
        return "(#100) Length of param message[text] must be less than or equal to 2000"
    replies = message.get("quick_replies", [])
    if len(replies) > 13:
        return "(#100) param message[quick_replies] must have a maximum of 13 elements"
    for reply in replies:
        if len(reply.get("title", "")) > 20 or not reply.get("title"):
            return "(#100) quick reply title must be 1-20 characters"
        if len(reply.get("payload", "")) > 1000:
            return "(#100) quick reply payload must be at most 1000 characters"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Graph API (Messenger) on 127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    api = FakeGraphApi(port=args.port).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        api.stop()


if __name__ == "__main__":
    main()
