"""The webhook over real HTTP: Meta's handshake, signatures, malformed bodies, events we ignore."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time

import pytest

from bot.model import Conference
from handlers.messenger.webhook import WEBHOOK_PATH, signature_valid
from tests.handlers.messenger.conftest import (
    ANNA,
    APP_SECRET,
    BARTEK,
    PAGE_ID,
    VERIFY_TOKEN,
    RunningMessenger,
    envelope,
    sign,
    text,
)


async def test_handshake_with_the_right_token_echoes_the_challenge(bot: RunningMessenger) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = await bot.client.get(WEBHOOK_PATH, params=params)
    assert response.status_code == 200 and response.text == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "42"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN[:-1], "hub.challenge": "42"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"},
        {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"},
        {"hub.mode": "subscribe", "hub.challenge": "42"},
        {},
    ],
)
async def test_handshake_with_anything_else_is_403(bot: RunningMessenger, params: dict[str, str]) -> None:
    response = await bot.client.get(WEBHOOK_PATH, params=params)
    assert response.status_code == 403 and "42" not in response.text


async def test_a_signed_message_is_acknowledged_and_answered(bot: RunningMessenger) -> None:
    [answer] = await bot.say(text(ANNA, "co jest teraz?"))
    assert "15:00" in answer.text  # nothing at 14:00; the study visits start at 15:00
    assert answer.body["messaging_type"] == "RESPONSE"
    assert bot.graph.actions(ANNA) == ["typing_on"]


def _forgeries(body: bytes) -> list[tuple[str, bytes, dict[str, str]]]:
    good = sign(body)
    sha1 = "sha1=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha1).hexdigest()
    changed = body.replace(b"co jest teraz", b"co jest potem")
    return [
        ("wrong secret", body, {"X-Hub-Signature-256": sign(body, "not-the-secret")}),
        ("truncated signature", body, {"X-Hub-Signature-256": good[:-8]}),
        ("body changed after signing", changed, {"X-Hub-Signature-256": good}),
        ("missing header", body, {}),
        ("SHA-1 header only", body, {"X-Hub-Signature": sha1}),
        ("SHA-1 value in the SHA-256 header", body, {"X-Hub-Signature-256": sha1}),
        ("no algorithm prefix", body, {"X-Hub-Signature-256": good.removeprefix("sha256=")}),
        ("empty header", body, {"X-Hub-Signature-256": ""}),
    ]


async def test_forged_requests_are_refused_and_nothing_is_processed(bot: RunningMessenger) -> None:
    body = json.dumps(envelope(text(ANNA, "co jest teraz?"))).encode()
    for name, content, headers in _forgeries(body):
        response = await bot.client.post(
            WEBHOOK_PATH, content=content, headers={"Content-Type": "application/json", **headers}
        )
        assert response.status_code == 403, name
    await asyncio.sleep(0.3)
    assert bot.graph.calls == []  # no answer, not even "typing…"


async def test_malformed_json_with_a_good_signature_is_400(bot: RunningMessenger) -> None:
    body = b'{"object": "page", "entry": [ {'
    response = await bot.post_raw(body, sign(body))
    assert response.status_code == 400
    await asyncio.sleep(0.2)
    assert bot.graph.calls == []


async def test_unexpected_shapes_with_a_good_signature_are_acknowledged_and_ignored(
    bot: RunningMessenger,
) -> None:
    for body in (b"[]", b"null", b'"page"', b'{"object": "page", "entry": "x"}', b'{"entry": [{}]}'):
        response = await bot.post_raw(body, sign(body))
        assert response.status_code == 200, body
    await asyncio.sleep(0.2)
    assert bot.graph.calls == []


async def test_echoes_deliveries_reads_and_other_objects_are_ignored(bot: RunningMessenger) -> None:
    base = {"sender": {"id": ANNA}, "recipient": {"id": PAGE_ID}, "timestamp": 1}
    echo = {"sender": {"id": PAGE_ID}, "recipient": {"id": ANNA}, "timestamp": 1}
    echo["message"] = {"mid": "m_echo", "text": "co jest teraz?", "is_echo": True, "app_id": 1}
    delivery = {**base, "delivery": {"mids": ["m_1"], "watermark": 1}}
    read = {**base, "read": {"watermark": 1}}
    reaction = {**base, "reaction": {"mid": "m_1", "action": "react", "emoji": "❤"}}
    for event in (echo, delivery, read, reaction):
        assert (await bot.post(event)).status_code == 200
    body = json.dumps({"object": "instagram", "entry": [{"messaging": [text(ANNA, "co teraz?")]}]}).encode()
    assert (await bot.post_raw(body, sign(body))).status_code == 200
    await asyncio.sleep(0.3)
    assert bot.graph.calls == []


async def test_a_webhook_delivered_twice_is_answered_once(bot: RunningMessenger) -> None:
    event = text(ANNA, "kontakt")
    await bot.say(event)
    assert (await bot.post(event)).status_code == 200
    await asyncio.sleep(0.3)
    assert len(bot.graph.messages(ANNA)) == 1


async def test_a_batch_answers_everyone_and_each_person_in_order(bot: RunningMessenger) -> None:
    response = await bot.post(
        text(ANNA, "kontakt"), text(BARTEK, "co jest teraz?"), text(ANNA, "jak dojechać?")
    )
    assert response.status_code == 200
    anna = await bot.graph.wait_messages(ANNA, 2)
    await bot.graph.wait_messages(BARTEK, 1)
    assert "kontakt" in anna[0].text.lower() or "@" in anna[0].text
    assert "Zabłocie" in anna[1].text or "ul." in anna[1].text


async def test_the_acknowledgement_does_not_wait_for_the_answer(bot: RunningMessenger) -> None:
    """Meta wants its 200 within seconds: a slow Send API (three 500s, backoff) must not delay it."""
    bot.graph.fail("me/messages", 500, 2, times=3)
    started = time.monotonic()
    response = await bot.post(text(ANNA, "co jest teraz?"))
    acked = time.monotonic() - started
    assert response.status_code == 200
    [answer] = await bot.graph.wait_messages(ANNA)
    answered = time.monotonic() - started
    assert "15:00" in answer.text
    assert acked < answered / 2, (acked, answered)


def test_signature_check_is_exact() -> None:
    body = b'{"object":"page"}'
    assert signature_valid(body, sign(body), APP_SECRET)
    assert signature_valid(body, sign(body).upper().replace("SHA256=", "sha256="), APP_SECRET)
    assert not signature_valid(body + b" ", sign(body), APP_SECRET)
    assert not signature_valid(body, None, APP_SECRET)
    assert not signature_valid(body, "sha256=", APP_SECRET)


async def test_one_persons_quick_messages_are_answered_in_their_order(
    bot: RunningMessenger, conference: Conference
) -> None:
    from bot.assistant import Assistant

    bot.graph.delay = 0.03  # every Graph call takes a while: the answers overlap in time
    asked = ["kontakt", "jak dojechać?", "co dalej", "pomoc", "kto organizuje", "co jest teraz?"]
    for question in asked:  # each call is acknowledged before its answer is sent
        assert (await bot.post(text(ANNA, question))).status_code == 200
    await bot.post(text(BARTEK, "kontakt"))
    answers = await bot.graph.wait_messages(ANNA, len(asked))
    assistant = Assistant(conference, bot.clock)
    expected = [assistant.ask(q).reply.plain_text.splitlines()[0] for q in asked]
    assert [a.text.splitlines()[0] for a in answers] == expected
    await bot.graph.wait_messages(BARTEK, 1)
    await asyncio.sleep(0.1)
    assert bot.messenger._locks == {}  # nothing kept per person once answered
