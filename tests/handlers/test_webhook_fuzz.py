"""Both webhooks fuzzed over real HTTP: never a 5xx, never an error in the log, and still answering.

The real application (Telegram's webhook and Messenger on one web server, a SQLite store, the
organisers' commands) is served once for the module, in a thread with its own event loop, against
the fake Bot API and the fake Graph API. Hypothesis sends random JSON, real updates with wrong types
put in, random bytes, huge and empty bodies, wrong methods and content types, and right, wrong or
missing secrets and signatures (the right signature is made over the fuzzed body itself, so it gets
past the check). After every request the bot is left to finish what it started, and the test fails
on any record at ERROR (PTB's error handler, uvicorn's "Exception in ASGI application", our own),
any exception the event loop reports, and any 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.config import load_settings
from bot.conversation import Conversation
from bot.model import Conference
from bot.store.store import Store
from handlers.body import MAX_BODY
from handlers.messenger.app import Messenger, build_messenger, reminder_notes, skips_silent_people
from handlers.operations import Operations
from handlers.serve import CurrentAssistant, running_telegram, web_server
from handlers.telegram.app import SECRET_HEADER, TelegramApp, build_application
from handlers.telegram.notifier import TelegramNotifier
from scheduler.announcements import Announcements
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.notifier import ChannelNotifier
from tests.conftest import DATA
from tests.fakes import updates
from tests.fakes.graph_api import PAGE_TOKEN, FakeGraphApi
from tests.fakes.telegram_api import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApi, free_port
from tests.fakes.updates import ALICE, GROUP
from tests.handlers.messenger.conftest import (
    ANNA,
    APP_SECRET,
    VERIFY_TOKEN,
    attachment,
    envelope,
    postback,
    quick_reply,
    sign,
    text,
)

SECRET = "fuzz_Secret-42"
NOW = "2023-11-29 14:00"
TELEGRAM = "/telegram/webhook"
MESSENGER = "/messenger/webhook"
SIGNATURE = "X-Hub-Signature-256"
CHECK_CHAT = 4242  # a person only the "still answering" checks write as
CHECK_PSID = "4242"
pytestmark = pytest.mark.asyncio(loop_scope="module")


# The application, served once ---------------------------------------------------------------


class ProblemLog(logging.Handler):
    """Records at ERROR and above; and warnings from our webhooks that carry a traceback or run
    over one line (the operator's log gets one line per bad request, no contents)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            error = record.exc_info[1] if record.exc_info else None
            self.seen.append(f"{record.levelname} {record.name}: {message} {error!r}")
        elif record.levelno >= logging.WARNING and record.name.startswith("handlers."):
            untidy = record.exc_info or "\n" in message or len(message) > 200
            if untidy:
                self.seen.append(f"untidy warning {record.name}: {message[:300]!r}")


@dataclass
class Served:
    port: int
    telegram: FakeBotApi
    graph: FakeGraphApi
    application: TelegramApp
    messenger: Messenger
    problems: ProblemLog
    client: httpx.AsyncClient

    async def settle(self) -> list[str]:
        """Wait for the bot to finish what it started, then hand back (and forget) any problems."""
        deadline = time.monotonic() + 20
        while self.application.update_queue.qsize() or self.messenger._tasks:
            assert time.monotonic() < deadline, "the bot never finished its work"
            await asyncio.sleep(0.002)
        await asyncio.wait_for(self.application.update_queue.join(), 20)
        seen, self.problems.seen = self.problems.seen, []
        return seen

    async def telegram_answers(self) -> None:
        before = len(self.telegram.sent(CHECK_CHAT))
        update = updates.message(CHECK_CHAT, "co jest teraz?")
        response = await self.client.post(TELEGRAM, json=update, headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200
        [answer] = (await self.telegram.wait_sent(CHECK_CHAT, before + 1))[before:]
        assert "15:00" in answer.text

    async def messenger_answers(self) -> None:
        before = len(self.graph.messages(CHECK_PSID))
        body = json.dumps(envelope(text(CHECK_PSID, "co jest teraz?"))).encode()
        response = await self.client.post(MESSENGER, content=body, headers={SIGNATURE: sign(body)})
        assert response.status_code == 200
        [answer] = (await self.graph.wait_messages(CHECK_PSID, before + 1))[before:]
        assert "15:00" in answer.text


@contextlib.asynccontextmanager
async def serving(
    conference: Conference, telegram: FakeBotApi, graph: FakeGraphApi, port: int, database: Path
) -> AsyncIterator[tuple[TelegramApp, Messenger]]:
    """The channels wired as `run` wires them, on one web server."""
    settings = load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_base_url=telegram.base_url,
        telegram_webhook_url="https://bot.example.org",
        telegram_webhook_secret=SECRET,
        messenger_page_token=PAGE_TOKEN,
        messenger_app_secret=APP_SECRET,
        messenger_verify_token=VERIFY_TOKEN,
        messenger_graph_url=graph.base_url,
        bot_port=port,
        admin_ids=frozenset({ALICE}),
        messenger_admin_ids=frozenset({ANNA}),
    )
    store = Store.open(f"sqlite+aiosqlite:///{database}")
    await store.migrate()
    assistant = Assistant(conference, FixedClock(parse_now(NOW, conference.tz)))
    current = CurrentAssistant(assistant)
    conversation = Conversation(current, store, reminder_notes=reminder_notes(settings))
    operations = Operations(
        DATA, store, current=current, swap=current.swap, messenger_window=skips_silent_people(settings)
    )
    application = build_application(
        settings, assistant, with_updater=False, conversation=conversation, operations=operations
    )
    replier = application.bot_data["replier"]
    current.followers.append(lambda new: setattr(replier, "assistant", new))
    messenger = build_messenger(settings, current, conversation, operations)
    messenger.api.backoff = 0.01
    notifiers = ChannelNotifier(
        {"telegram": TelegramNotifier(application.bot, replier), "messenger": messenger.notifier}
    )
    operations.fanout = FanOut(store, notifiers, RateLimiter(rate=100_000, per_chat=0))
    operations.announcements = Announcements(store, operations.fanout)
    try:
        async with running_telegram(application, settings) as routes:
            await messenger.start()
            try:
                async with web_server([*routes, *messenger.routes], "127.0.0.1", port):
                    yield application, messenger
            finally:
                await messenger.stop()
    finally:
        await store.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(conference: Conference, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Served]:
    """Served once for the module, in the tests' own event loop (one thread: tracebacks the bot
    logs are never formatted while the test runner formats its own)."""
    port = free_port()
    database = tmp_path_factory.mktemp("fuzz") / "bot.db"
    problems = ProblemLog()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(
        lambda _, context: problems.seen.append(
            f"event loop: {context.get('message')} {context.get('exception')!r}"
        )
    )
    with FakeBotApi() as telegram, FakeGraphApi() as graph:
        async with serving(conference, telegram, graph, port, database) as (application, messenger):
            # After uvicorn has set up its own loggers, which do not pass records on to the root.
            watched = [logging.getLogger(), logging.getLogger("uvicorn"), logging.getLogger("uvicorn.error")]
            for logger in watched:
                logger.addHandler(problems)
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
                    yield Served(port, telegram, graph, application, messenger, problems, client)
            finally:
                for logger in watched:
                    logger.removeHandler(problems)
    loop.set_exception_handler(None)


# What is sent --------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([0, -1, 2**63, -(2**63), 2**64, 10**25])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "/", "/start", "@", "\x00", "\ud800", "null", "7001", "-1", "9" * 40])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _sent_message(data: str, label: str = "Co dalej?") -> dict[str, Any]:
    """A message of the bot's with one button, as Telegram gives it back in a callback query."""
    return {
        "message_id": 77,
        "date": 1701262800,
        "chat": {"id": ALICE, "type": "private", "first_name": "Uczestnik"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME},
        "text": "odpowiedź",
        "reply_markup": {"inline_keyboard": [[{"text": label, "callback_data": data}]]},
    }


TELEGRAM_SEEDS = [
    updates.message(ALICE, "co jest teraz?"),
    updates.message(ALICE, "/start"),
    updates.message(ALICE, "/program jutro"),
    updates.message(ALICE, "/przypomnienia wlacz 10"),
    updates.message(ALICE, "/plan"),
    updates.message(ALICE, "/statystyki"),
    updates.message(ALICE, "/ogloszenie Test"),
    updates.message(ALICE, "/nieznana"),
    updates.message(GROUP, f"@{BOT_USERNAME} jak dojechać?"),
    updates.message(GROUP, f"/teraz@{BOT_USERNAME}"),
    updates.message(GROUP, "odpowiedź", reply_to_bot=True),
    updates.message(ALICE, "poprawione", edited=True),
    updates.sticker(),
    updates.photo(),
    updates.voice(),
    updates.location(),
    updates.contact(),
    updates.callback("q:co dalej?", _sent_message("q:co dalej?")),
    updates.callback("d:1", _sent_message("d:1", "Czwartek")),
    updates.callback("s:wizyta-na-kozlowce", _sent_message("s:wizyta-na-kozlowce")),
    updates.callback("p:+wizyta-na-kozlowce", _sent_message("p:+wizyta-na-kozlowce")),
    updates.callback("p:ics", _sent_message("p:ics")),
    updates.callback("f:no", _sent_message("f:no")),
    updates.callback("a:cancel:1", _sent_message("a:cancel:1")),
    updates.callback("#0123", _sent_message("#0123", "Kiedy jest obiad?")),
]

MESSENGER_SEEDS = [
    envelope(text(ANNA, "co jest teraz?")),
    envelope(text(ANNA, "/teraz"), text("7002", "kontakt")),
    envelope(text(ANNA, "/statystyki")),
    envelope(text(ANNA, "/ogloszenie Test")),
    envelope(text(ANNA, "/przypomnienia wlacz 10")),
    envelope(quick_reply(ANNA, "Co dalej?", "ASK:co dalej?")),
    envelope(quick_reply(ANNA, "Czwartek", "DAY:1")),
    envelope(postback(ANNA, "CMD:start")),
    envelope(postback(ANNA, "SES:wizyta-na-kozlowce")),
    envelope(postback(ANNA, "PLAN:+wizyta-na-kozlowce")),
    envelope(postback(ANNA, "PLAN:ics")),
    envelope(postback(ANNA, "FORGET:no")),
    envelope(postback(ANNA, "ADM:cancel:1")),
    envelope(attachment(ANNA, "location", {"coordinates": {"lat": 50.0, "long": 19.9}})),
    envelope(attachment(ANNA, "image", {"sticker_id": 369239263222822})),
    envelope(attachment(ANNA, "audio")),
]


odd_texts = st.sampled_from(
    ["", " ", "  ", "/", "/@", "@", "/start@", "\u200b", "\n", "d:" + "9" * 60, "#", "x" * 5000, "ą" * 300]
)
odd_ints = st.sampled_from([0, -1, 1, 2**31, 2**53, 2**63 - 1, -(2**63) + 1]) | st.integers()


def odd_like(value: Any) -> st.SearchStrategy[Any]:
    """A value of the same JSON type, but one Telegram or Meta would hardly send."""
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return odd_ints
    if isinstance(value, str):
        return odd_texts | st.text(max_size=20)
    if isinstance(value, list):
        return st.sampled_from([[], value * 3, value[::-1]])
    if isinstance(value, dict):
        return st.just({})
    return json_values


@st.composite
def mutated(draw: st.DrawFn, seeds: list[dict[str, Any]]) -> Any:
    """A real update or body with one to three values replaced, removed or added, anywhere in it."""
    value = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        node: Any = value
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if isinstance(child, dict | list) and child and draw(st.booleans()):
                node = child
                continue
            action = draw(st.sampled_from(["replace", "odd", "odd", "delete", "add"]))
            if action == "replace":
                node[key] = draw(json_values)
            elif action == "odd":
                node[key] = draw(odd_like(child))
            elif action == "delete":
                del node[key]
            elif isinstance(node, dict):
                node[draw(st.text(max_size=12))] = draw(json_values)
            else:
                node.append(draw(json_values))
            break
    return value


class Body:
    """A request body, and what it is: "object" (a JSON object), "json" (JSON of another kind),
    "bad" (not JSON), "huge" (over the cap) or "unknown" (random bytes)."""

    def __init__(self, content: bytes, kind: str) -> None:
        self.content = content
        self.kind = kind

    def __repr__(self) -> str:  # a short one: Hypothesis prints it for every failing example
        shown = self.content if len(self.content) <= 300 else self.content[:300] + b"..."
        return f"Body({self.kind}, {len(self.content)} bytes, {shown!r})"


@st.composite
def encoded(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> Body:
    """JSON text of a value; non-ASCII either escaped or as UTF-8 (lone surrogates: invalid UTF-8)."""
    value = draw(values)
    raw = json.dumps(value, ensure_ascii=draw(st.booleans()))
    content = raw.encode("utf-8", "surrogatepass")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return Body(content, "bad")
    return Body(content, "object" if isinstance(value, dict) else "json")


SPECIAL = [
    Body(b"", "bad"),
    Body(b"x" * (MAX_BODY + 1), "huge"),
    Body(b"{" + b" " * MAX_BODY + b"}", "huge"),
    Body(b"[" * MAX_BODY, "bad"),  # nesting bomb, exactly at the cap
    Body(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "bad"),
    Body(b"[" * 900 + b"]" * 900, "json"),  # deep, but within json's own limit
    Body(b'{"update_id": ' + b"9" * 5000 + b"}", "bad"),
    Body(b'{"update_id": 1e999999}', "bad"),
    Body(b'{"update_id": NaN}', "bad"),
    Body(b'{"object": "page", "entry": [{"messaging": [{"sender": {"id": Infinity}}]}]}', "bad"),
    Body(b'{"update_id": 1, "message": {"text": "\xff\xfe"}}', "bad"),
    Body(b'\xef\xbb\xbf{"update_id": 1}', "bad"),  # a BOM
    Body('{"update_id": 1}'.encode("utf-16"), "bad"),  # JSON on the wire is UTF-8
    Body(b'{"update_id": 1, "message": 5}', "object"),
    Body(b'{"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": "x"}}', "object"),
    Body(b'{"object": "page", "entry": 5}', "object"),
    Body(b'{"object": "page", "entry": [{"messaging": "abc"}]}', "object"),
    Body(b'{"object": "page", "entry": [{"messaging": [{"sender": {"id": []}, "message": {}}]}]}', "object"),
    Body(
        b'{"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "message": {"text": 5}}]}]}',
        "object",
    ),
    Body(b"null", "json"),
    Body(b"[]", "json"),
]


def bodies(seeds: list[dict[str, Any]]) -> st.SearchStrategy[Body]:
    return st.one_of(
        encoded(mutated(seeds)),
        encoded(mutated(seeds)),
        encoded(json_values),
        st.binary(max_size=200).map(lambda content: Body(content, "unknown")),
        st.sampled_from(SPECIAL),
    )


methods = st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "PATCH"])
content_types = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=latin-1",
    ]
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.strip)
extra_headers = st.dictionaries(
    st.sampled_from(["X-Forwarded-For", "Accept", "User-Agent", "Content-Encoding", "Expect", "X-Junk"]),
    header_text,
    max_size=2,
)


async def _send(
    served: Served, method: str, path: str, body: Body, headers: dict[str, str]
) -> httpx.Response:
    return await served.client.request(method, path, content=body.content, headers=headers)


async def _fails(served: Served, response: httpx.Response, expected: set[int]) -> list[str]:
    problems = await served.settle()
    if response.status_code >= 500 or response.status_code not in expected:
        problems.append(f"status {response.status_code}, expected {sorted(expected)}")
    return problems


# The fuzzing ---------------------------------------------------------------------------------


@given(
    method=methods,
    body=bodies(TELEGRAM_SEEDS),
    secret=st.sampled_from(["right", "right", "right", "wrong", "missing", "empty", "longer"]),
    content_type=content_types,
    extra=extra_headers,
)
@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
async def test_telegram_webhook_survives_anything(
    served: Served, method: str, body: Body, secret: str, content_type: str | None, extra: dict[str, str]
) -> None:
    headers = dict(extra)
    if content_type is not None:
        headers["Content-Type"] = content_type
    given_secret = {"right": SECRET, "wrong": "nope", "empty": "", "longer": SECRET + "x"}.get(secret)
    if given_secret is not None:
        headers[SECRET_HEADER] = given_secret
    response = await _send(served, method, TELEGRAM, body, headers)
    if method != "POST":
        expected = {405}
    elif secret != "right":
        expected = {403}
    elif body.kind == "huge":
        expected = {413}
    elif body.kind == "object":
        expected = {200}  # an update, or dropped so that Telegram does not send it again
    elif body.kind in ("json", "bad"):
        expected = {400}
    else:
        expected = {200, 400}
    assert await _fails(served, response, expected) == []


@given(
    method=methods,
    body=bodies(MESSENGER_SEEDS),
    signature=st.sampled_from(["right", "right", "right", "wrong", "missing", "other secret", "sha1"]),
    content_type=content_types,
    extra=extra_headers,
)
@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
async def test_messenger_webhook_survives_anything(
    served: Served, method: str, body: Body, signature: str, content_type: str | None, extra: dict[str, str]
) -> None:
    headers = dict(extra)
    if content_type is not None:
        headers["Content-Type"] = content_type
    signatures = {
        "right": sign(body.content),
        "wrong": "sha256=" + "0" * 64,
        "other secret": sign(body.content, "not-the-secret"),
        "sha1": "sha1=" + "0" * 40,
    }
    if signature in signatures:
        headers[SIGNATURE] = signatures[signature]
    response = await _send(served, method, MESSENGER, body, headers)
    if method == "GET":
        expected = {403}  # the verification handshake, without its parameters
    elif method != "POST":
        expected = {405}
    elif body.kind == "huge":
        expected = {413}
    elif signature != "right":
        expected = {403}
    elif body.kind in ("object", "json"):
        expected = {200}
    elif body.kind == "bad":
        expected = {400}
    else:
        expected = {200, 400}
    assert await _fails(served, response, expected) == []


query_keys = st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge", "hub.x", "", "hub.mode[]"])
query_values = st.one_of(
    st.sampled_from(["subscribe", VERIFY_TOKEN, "1158201444", "", "ąęść", "\x00", "a" * 2000]),
    st.text(max_size=30),
)


@given(st.lists(st.tuples(query_keys, query_values), max_size=6))
@settings(max_examples=150, deadline=None)
async def test_messenger_verification_answers_only_the_right_handshake(
    served: Served, params: list[tuple[str, str]]
) -> None:
    response = await served.client.get(MESSENGER, params=params)
    last = dict(params)  # repeated keys: the last one counts
    right = (
        last.get("hub.mode") == "subscribe"
        and last.get("hub.verify_token") == VERIFY_TOKEN
        and "hub.challenge" in last
    )
    expected = {200} if right else {403}
    assert await _fails(served, response, expected) == []
    if right:
        assert response.text == last["hub.challenge"]


# Malformed but parseable: each answered 200 (dropped, or answered as far as it makes sense) ------


def _message(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "message_id": 1,
        "date": 1701262800,
        "chat": {"id": 5005, "type": "private", "first_name": "X"},
        "from": {"id": 5005, "is_bot": False, "first_name": "X"},
    }
    return {**base, **fields}


def _command(text: str, length: int, **fields: Any) -> dict[str, Any]:
    return _message(text=text, entities=[{"type": "bot_command", "offset": 0, "length": length}], **fields)


MALFORMED_UPDATES = {
    "message is a number": {"update_id": 1, "message": 5},
    "no update id": {"message": 5},
    "update id a string": {"update_id": "1", "message": _message(text="hej")},
    "update id a bool": {"update_id": True, "message": _message(text="hej")},
    "text a number": {"update_id": 1, "message": _message(text=5)},
    "text a list": {"update_id": 1, "message": _message(text=["co", "teraz"])},
    "chat id a list": {"update_id": 1, "message": _message(text="hej", chat={"id": [1], "type": "private"})},
    "chat id past 64 bits": {
        "update_id": 1,
        "message": _message(text="hej", chat={"id": 2**70, "type": "private"}),
    },
    "chat a string": {"update_id": 1, "message": _message(text="hej", chat="5005")},
    "chat type a number": {"update_id": 1, "message": _message(text="hej", chat={"id": 5005, "type": 1})},
    "no chat": {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "hej"}},
    "date far in the future": {"update_id": 1, "message": _message(text="hej", date=10**18)},
    "entities a string": {"update_id": 1, "message": _message(text="/start", entities="bot_command")},
    "entity offset a string": {
        "update_id": 1,
        "message": _message(text="/start", entities=[{"type": "bot_command", "offset": "0", "length": 6}]),
    },
    "a command of blanks": {"update_id": 1, "message": _command("  ", 2)},
    "a command entity past the text": {"update_id": 1, "message": _command("/x", 500)},
    "a command entity of length 0": {"update_id": 1, "message": _command("/start", 0)},
    "a command with an empty name": {"update_id": 1, "message": _command("/@", 2)},
    "a command with no sender": {"update_id": 1, "message": {**_command("/statystyki", 11), "from": None}},
    "a command without from": {
        "update_id": 1,
        "message": {k: v for k, v in _command("/statystyki", 11).items() if k != "from"},
    },
    "a mention entity past the text": {
        "update_id": 1,
        "message": _message(
            text="hej",
            chat={"id": -5, "type": "group", "title": "G"},
            entities=[{"type": "mention", "offset": 2, "length": 40}],
        ),
    },
    "a group message replying to nothing": {
        "update_id": 1,
        "message": _message(text="hej", chat={"id": -5, "type": "group"}, reply_to_message=5),
    },
    "a channel post with a command": {"update_id": 1, "channel_post": _command("/start", 6)},
    "a callback without message": {
        "update_id": 1,
        "callback_query": {
            "id": "1",
            "from": {"id": 5005, "is_bot": False, "first_name": "X"},
            "data": "d:1",
        },
    },
    "a callback with a long day number": {
        "update_id": 1,
        "callback_query": {
            "id": "1",
            "from": {"id": 5005, "is_bot": False, "first_name": "X"},
            "chat_instance": "1",
            "data": "d:" + "9" * 5000,
            "message": _message(text="x"),
        },
    },
    "a callback with data a number": {
        "update_id": 1,
        "callback_query": {"id": "1", "from": {"id": 5005, "is_bot": False, "first_name": "X"}, "data": 5},
    },
    "a callback whose keyboard is a string": {
        "update_id": 1,
        "callback_query": {
            "id": "1",
            "from": {"id": 5005, "is_bot": False, "first_name": "X"},
            "chat_instance": "1",
            "data": "#gone",
            "message": _message(text="x", reply_markup={"inline_keyboard": "abc"}),
        },
    },
    "a callback whose button text is a number": {
        "update_id": 1,
        "callback_query": {
            "id": "1",
            "from": {"id": 5005, "is_bot": False, "first_name": "X"},
            "chat_instance": "1",
            "data": "#gone",
            "message": _message(
                text="x", reply_markup={"inline_keyboard": [[{"text": 5, "callback_data": "#gone"}]]}
            ),
        },
    },
    "a member update without chat": {"update_id": 1, "my_chat_member": {"date": 1}},
    "a sticker that is a string": {"update_id": 1, "message": _message(sticker="CAAD")},
    "unknown kind of update": {"update_id": 1, "something_new": {"chat": {"id": 1, "type": "private"}}},
    "api_kwargs in the update": {"update_id": 1, "api_kwargs": {}},
    "nested junk": {"update_id": 1, "message": _message(text="hej", x=[[[[{"chat": 5}]]]])},
}


@pytest.mark.parametrize("update", MALFORMED_UPDATES.values(), ids=MALFORMED_UPDATES.keys())
async def test_a_malformed_telegram_update_is_acknowledged_without_an_error(
    served: Served, update: dict[str, Any]
) -> None:
    response = await served.client.post(TELEGRAM, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert await served.settle() == []


MALFORMED_BODIES = {
    "entry a number": {"object": "page", "entry": 5},
    "entry a string": {"object": "page", "entry": "abc"},
    "messaging a string": {"object": "page", "entry": [{"messaging": "abc"}]},
    "messaging a number": {"object": "page", "entry": [{"messaging": 5}]},
    "messaging an object": {"object": "page", "entry": [{"messaging": {"sender": {"id": "1"}}}]},
    "sender id a list": {"object": "page", "entry": [{"messaging": [{"sender": {"id": []}, "message": {}}]}]},
    "sender id a bool": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": True}, "message": {"text": "hej"}}]}],
    },
    "sender id huge": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": 10**4000}, "message": {"text": "hej"}}]}],
    },
    "sender id a long string": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7" * 100_000}, "message": {"text": "hej"}}]}],
    },
    "sender id not digits": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "../me"}, "message": {"text": "hej"}}]}],
    },
    "text a number": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "message": {"text": 5}}]}],
    },
    "payload a number": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "postback": {"payload": 5}}]}],
    },
    "payload a long day": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "postback": {"payload": "DAY:" + "9" * 5000}}]}],
    },
    "payload a day of 996 digits": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "postback": {"payload": "DAY:" + "9" * 996}}]}],
    },
    "quick reply payload an object": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "message": {"quick_reply": {"payload": {}}}}]}],
    },
    "attachments junk": {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "7003"}, "message": {"attachments": [5, "x", {"type": []}]}}]}
        ],
    },
    "mid a megabyte": {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "7003"}, "message": {"mid": "m" * 900_000, "text": "hej"}}]}
        ],
    },
    "nested junk": {"object": "page", "entry": [[[[{"messaging": [[{"sender": {"id": "7003"}}]]}]]]]},
    "text with NUL and a lone surrogate": {
        "object": "page",
        "entry": [{"messaging": [{"sender": {"id": "7003"}, "message": {"text": "/\u0000\ud800"}}]}],
    },
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_a_malformed_signed_messenger_body_is_acknowledged_without_an_error(
    served: Served, body: dict[str, Any]
) -> None:
    content = json.dumps(body).encode()
    response = await served.client.post(MESSENGER, content=content, headers={SIGNATURE: sign(content)})
    assert response.status_code == 200
    assert await served.settle() == []


# Well-formed, with anything in the texts and payloads: the handlers behind must cope ----------

any_text = odd_texts | st.text(max_size=60)


def _not_a_long_number(text: str) -> bool:
    return not any(part.isdigit() and len(part) > 18 for part in text.split(":"))


# An organiser's tap on an announcement preview: the id is kept to what a database id can be, as a
# longer one still breaks the organisers' code (see test_a_huge_announcement_id_from_an_organiser).
announcement_taps = st.tuples(
    st.sampled_from(["send", "cancel", "x", ""]),
    st.integers(0, 2**31).map(str) | any_text.filter(_not_a_long_number),
).map(":".join)
telegram_data = st.one_of(
    st.tuples(st.sampled_from(["q", "d", "s", "p", "f", "x", "#"]), any_text).map(":".join),
    announcement_taps.map(lambda tap: "a:" + tap),
).map(lambda data: data.encode()[:64].decode("utf-8", "ignore"))
commands = st.sampled_from(
    [
        "/start",
        "/teraz",
        "/dalej",
        "/program",
        "/wizyty",
        "/dojazd",
        "/kontakt",
        "/plan",
        "/przypomnienia",
        "/usun_dane",
        "/pomoc",
        "/statystyki",
        "/ogloszenie",
        "/nieznana",
    ]
)


@st.composite
def telegram_updates(draw: st.DrawFn) -> dict[str, Any]:
    chat = draw(st.sampled_from([ALICE, GROUP, 5005]))
    kind = draw(st.sampled_from(["text", "command", "callback", "edited"]))
    if kind == "callback":
        data = draw(telegram_data)
        label = draw(any_text.filter(bool))
        return updates.callback(data, _sent_message(data, label), chat_id=chat)
    if kind == "command":
        words = draw(commands) + draw(st.sampled_from(["", f"@{BOT_USERNAME}", "@other_bot"]))
        return updates.message(chat, words + " " + draw(any_text))
    return updates.message(chat, draw(any_text.filter(str.strip)), edited=kind == "edited")


@given(update=telegram_updates())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
async def test_any_well_formed_telegram_update_is_handled_without_an_error(
    served: Served, update: dict[str, Any]
) -> None:
    response = await served.client.post(TELEGRAM, json=update, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert await served.settle() == []


messenger_payloads = st.one_of(
    st.tuples(st.sampled_from(["ASK", "CMD", "DAY", "SES", "PLAN", "FORGET", "XYZ", ""]), any_text).map(
        ":".join
    ),
    announcement_taps.map(lambda tap: "ADM:" + tap),
)


@st.composite
def messenger_events(draw: st.DrawFn) -> dict[str, Any]:
    psid = draw(st.sampled_from([ANNA, "7003", "1" * 32]))
    kind = draw(st.sampled_from(["text", "command", "quick reply", "postback", "attachment"]))
    if kind == "text":
        return text(psid, draw(any_text))
    if kind == "command":
        return text(psid, draw(commands) + draw(st.sampled_from([" ", "\n", ""])) + draw(any_text))
    if kind == "quick reply":
        return quick_reply(psid, draw(any_text), draw(messenger_payloads))
    if kind == "postback":
        return postback(psid, draw(messenger_payloads))
    return attachment(
        psid, draw(st.sampled_from(["image", "audio", "video", "file", "location", "fallback"]))
    )


@given(events=st.lists(messenger_events(), min_size=1, max_size=3))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
async def test_any_well_formed_messenger_event_is_handled_without_an_error(
    served: Served, events: list[dict[str, Any]]
) -> None:
    content = json.dumps(envelope(*events)).encode()
    response = await served.client.post(MESSENGER, content=content, headers={SIGNATURE: sign(content)})
    assert response.status_code == 200
    assert await served.settle() == []


# Known, outside the webhooks: an organiser's tap carrying an id too big for the database ----------


@pytest.mark.parametrize("channel", ["telegram", "messenger"])
async def test_a_huge_announcement_id_from_an_organiser_is_no_error(served: Served, channel: str) -> None:
    tap = "send:" + "9" * 30
    if channel == "telegram":
        data = "a:" + tap
        update = updates.callback(data, _sent_message(data))  # from ALICE, an organiser
        response = await served.client.post(TELEGRAM, json=update, headers={SECRET_HEADER: SECRET})
    else:
        content = json.dumps(envelope(postback(ANNA, "ADM:" + tap))).encode()  # ANNA, an organiser
        response = await served.client.post(MESSENGER, content=content, headers={SIGNATURE: sign(content)})
    assert response.status_code == 200
    await asyncio.sleep(0.2)  # Messenger sends it in the background
    assert await served.settle() == []


# Requests that break HTTP itself: refused by the server (4xx), never an error ------------------

_HOOK = b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: " + SECRET.encode()
RAW_REQUESTS = {
    "a 100 kB query": b"GET /messenger/webhook?hub.challenge="
    + b"a" * 100_000
    + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "a query of 5,000 repeated keys": b"GET /messenger/webhook?"
    + b"&".join([b"hub.mode=subscribe"] * 5000)
    + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "non-ASCII in the query": b"GET /messenger/webhook?hub.challenge="
    + "żółw".encode()
    + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "non-ASCII in the path": "POST /telegram/webhoók HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    "a bare CR in a header (injection)": _HOOK + b"\rX-Evil: 1\r\nContent-Length: 2\r\n\r\n{}",
    "a folded header": _HOOK + b"\r\n continued\r\nContent-Length: 2\r\n\r\n{}",
    "a header name with a space": _HOOK + b"\r\nBad Name: 1\r\nContent-Length: 2\r\n\r\n{}",
    "a 64 kB header": _HOOK + b"\r\nX-Big: " + b"a" * 65_536 + b"\r\nContent-Length: 2\r\n\r\n{}",
    "2,000 headers": _HOOK
    + b"".join(b"\r\nX-%d: 1" % i for i in range(2000))
    + b"\r\nContent-Length: 2\r\n\r\n{}",
    "both lengths (smuggling)": _HOOK
    + b"\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two different Content-Lengths": _HOOK + b"\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "a negative Content-Length": _HOOK + b"\r\nContent-Length: -1\r\n\r\n{}",
    "a Content-Length that is no number": _HOOK + b"\r\nContent-Length: 1e3\r\n\r\n{}",
    "a gzip transfer encoding": _HOOK + b"\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "a chunk size that is no number": _HOOK + b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "a chunk longer than it says": _HOOK + b"\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n",
    "a body shorter than its length, then goodbye": _HOOK + b"\r\nContent-Length: 100\r\n\r\n{}",
    "Expect: 100-continue with 300 MB announced": _HOOK
    + b"\r\nExpect: 100-continue\r\nContent-Length: 314572800\r\n\r\n",
    "HTTP/1.0 without a host": b"POST /telegram/webhook HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}",
    "HTTP/2 preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "TLS handshake bytes": bytes.fromhex("160301020001") + b"\x00" * 200,
    "two pipelined requests": (_HOOK + b"\r\nContent-Length: 2\r\n\r\n{}") * 2,
    "a request line only": b"POST /telegram/webhook HTTP/1.1\r\n\r\n",
    "garbage": b"\x00\xff" * 500 + b"\r\n\r\n",
}


async def _raw(port: int, request: bytes) -> bytes:
    """Send bytes as they are, then read whatever comes back until the server closes or goes quiet."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = b""
    try:
        writer.write(request)
        await writer.drain()
        with contextlib.suppress(TimeoutError):
            while chunk := await asyncio.wait_for(reader.read(65_536), 0.5):
                answer += chunk
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return answer


@pytest.mark.parametrize("request_bytes", RAW_REQUESTS.values(), ids=RAW_REQUESTS.keys())
async def test_broken_http_is_refused_without_an_error(served: Served, request_bytes: bytes) -> None:
    answer = await _raw(served.port, request_bytes)
    statuses = [int(status) for status in re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)]
    assert all(100 <= status < 500 for status in statuses), answer[:300]
    assert await served.settle() == []


# Last: after all of the above, the bot still answers -----------------------------------------


@pytest.mark.parametrize("check", ["telegram", "messenger"])
async def test_the_bot_still_answers_after_the_fuzzing(served: Served, check: str) -> None:
    await (served.telegram_answers() if check == "telegram" else served.messenger_answers())
    assert await served.settle() == []
