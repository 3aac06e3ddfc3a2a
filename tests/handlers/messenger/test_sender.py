"""The Send API bodies as sent: each reply's messages encoded once, the recipient put around them."""

from __future__ import annotations

import json
from typing import Any

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.model import Conference
from bot.reply import ReplyBuilder
from handlers.messenger import render
from handlers.messenger.graph import GraphApi
from handlers.messenger.sender import MESSAGE_TAG, Sender


class Recorder(GraphApi):
    """The client as the sender uses it, keeping each body's bytes instead of posting them."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/v26.0", "token")
        self.bodies: list[bytes] = []

    async def post(self, path: str, body: Any, attempts: int = 5, files: Any = None) -> None:
        assert path == "/me/messages" and files is None
        self.bodies.append(body)


async def test_each_body_is_compact_utf8_json_with_the_recipient_around_the_message(
    conference: Conference,
) -> None:
    assistant = Assistant(conference, FixedClock(parse_now("2023-11-29 15:10", conference.tz)))
    api = Recorder()
    sender = Sender(api, lambda: assistant)
    said = 'Zażółć gęślą jaźń — „cytat” \\ "x" 🙂'
    reply = ReplyBuilder().line(said).suggest("Dalej", "co dalej").build()
    extra = [("➕ Dodaj", "PLAN:+s1")]
    await sender.typing("7001")
    await sender.send("7001", reply, extra=extra)
    await sender.send("7002", reply, extra=extra, messaging_type=MESSAGE_TAG, tag="CONFIRMED_EVENT_UPDATE")
    typing, first, second = api.bodies
    assert json.loads(typing) == {"recipient": {"id": "7001"}, "sender_action": "typing_on"}
    [message] = render.messages(reply, extra)
    response = {"recipient": {"id": "7001"}, "messaging_type": "RESPONSE", "message": message}
    assert json.loads(first) == response
    assert json.loads(second) == {
        "recipient": {"id": "7002"},
        "messaging_type": MESSAGE_TAG,
        "message": message,
        "tag": "CONFIRMED_EVENT_UPDATE",
    }
    # Polish letters and emoji as UTF-8, not \u escapes; no spaces between the separators.
    assert "Zażółć gęślą jaźń".encode() in first and "🙂".encode() in first and b"\\u" not in first
    assert b": " not in first and b", " not in first.replace(b"\\u", b"")


async def test_a_reply_is_encoded_once_for_many_people(conference: Conference) -> None:
    assistant = Assistant(conference, FixedClock(parse_now("2023-11-29 15:10", conference.tz)))
    api = Recorder()
    sender = Sender(api, lambda: assistant)
    reply = ReplyBuilder().line("Przypomnienie").build()
    for psid in ("7001", "7002", "7003"):
        await sender.send(psid, reply)
    messages = [json.loads(body)["message"] for body in api.bodies]
    assert messages == [{"text": "Przypomnienie"}] * 3
    assert len(sender._rendered) == 1
