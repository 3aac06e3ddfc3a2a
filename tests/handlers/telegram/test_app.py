"""End to end, long polling: updates in through getUpdates, answers out through the Bot API."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot import texts
from bot.model import Conference
from handlers.telegram.callbacks import CALLBACK_LIMIT
from handlers.telegram.commands import COMMANDS
from tests.fakes import updates
from tests.fakes.telegram_api import BOT_USERNAME, TOKEN, Call, FakeBotApi
from tests.fakes.updates import ALICE, GROUP
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html


def _visible(call_text: str) -> str:
    return parse_telegram_html(call_text)


async def test_start_up_registers_polish_commands_and_polls(bot: RunningBot) -> None:
    api = bot.api
    methods = [c.method for c in api.calls_of("getMe", "deleteWebhook", "setMyCommands", "getUpdates")]
    assert methods[:1] == ["getMe"]
    assert {"deleteWebhook", "setMyCommands", "getUpdates"} <= set(methods)
    commands = api.calls_of("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == [name for name, _ in COMMANDS]
    # /wizyty is named by the event's own travel kind, not by code
    assert {"command": "wizyty", "description": "Wizyty studyjne"} in commands
    assert all(c["description"] for c in commands)
    assert any(
        "ę" in c["description"] or "ą" in c["description"] for c in commands
    )  # Polish, with diacritics


async def test_start_welcomes_with_quick_buttons(bot: RunningBot) -> None:
    [sent] = await bot.say(updates.message(ALICE, "/start"), ALICE)
    assert sent.params["parse_mode"] == "HTML"
    assert "Miejsca Otwarte" in _visible(sent.text)
    assert texts.AUTOMATED in _visible(sent.text)  # an automated chat says so first
    buttons = sent.buttons()
    assert len(buttons) >= 3
    assert all(len(b["callback_data"].encode()) <= CALLBACK_LIMIT for b in buttons)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/pomoc", "co jest teraz?"),
        ("/teraz", "15:00"),  # nothing runs at 14:00; the answer points to the 15:00 visits
        ("/dalej", "15:00"),
        ("/kontakt", "Contact"),  # replaced below by the data's contact name
    ],
)
async def test_simple_commands_answer_from_the_data(
    bot: RunningBot, conference: Conference, command: str, expected: str
) -> None:
    if expected == "Contact":
        assert conference.contact is not None
        expected = conference.contact.name
    [sent] = await bot.say(updates.message(ALICE, command), ALICE)
    assert expected in _visible(sent.text)


def _as_sent(bot: RunningBot, picker: Call) -> dict[str, object]:
    """The picker as Telegram holds it after sending: a button tap comes back with this message."""
    return {
        "message_id": 1000 + len(bot.api.calls_of("sendMessage", "sendVenue", "sendLocation")) - 1,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": picker.text,
        "reply_markup": picker.markup,
    }


async def test_programme_day_picker_edits_the_message_into_that_day(
    bot: RunningBot, conference: Conference
) -> None:
    [picker] = await bot.say(updates.message(ALICE, "/program"), ALICE)
    day_buttons = picker.buttons()
    assert len(day_buttons) == len(conference.days) + 1  # every day, and all days
    assert "29 listopada" in day_buttons[0]["text"] and "(dziś)" in day_buttons[0]["text"]
    sent_message = _as_sent(bot, picker)
    second_day = day_buttons[1]["callback_data"]
    [edited] = await bot.say(updates.callback(second_day, sent_message), ALICE)
    assert edited.method == "editMessageText"
    text = _visible(edited.text)
    assert "30 listopada" in text
    last_session = conference.days[1].sessions[-1]
    assert last_session.title in text
    assert any(b["text"].startswith("✓ ") for b in edited.buttons())
    await bot.api.wait_for(lambda api: len(api.calls_of("answerCallbackQuery")) == 1)


async def test_programme_with_an_argument_answers_at_once(bot: RunningBot) -> None:
    [sent] = await bot.say(updates.message(ALICE, "/program jutro"), ALICE)
    assert "30 listopada" in _visible(sent.text)


async def test_visits_have_detail_buttons_that_send_details(bot: RunningBot, conference: Conference) -> None:
    [listing] = await bot.say(updates.message(ALICE, "/wizyty"), ALICE)
    details = [b for b in listing.buttons() if b["callback_data"].startswith("s:")]
    assert len(details) == len(conference.visits)
    listing_message = {
        "message_id": 5,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
    }
    [answer] = await bot.say(updates.callback(details[0]["callback_data"], listing_message), ALICE)
    first = conference.visits[0]
    text = _visible(answer.text)
    assert first.title in text and "Kiedy:" in text


async def test_directions_send_text_map_button_and_a_venue(bot: RunningBot, conference: Conference) -> None:
    sent = await bot.say(updates.message(ALICE, "/dojazd"), ALICE, count=2)
    assert [c.method for c in sent] == ["sendMessage", "sendVenue"]
    assert conference.venue.address in _visible(sent[0].text)
    assert any(b.get("url") for b in sent[0].buttons())  # the map link as a URL button
    venue = sent[1].params
    assert venue["title"] == conference.venue.name
    assert conference.venue.location is not None
    assert float(venue["latitude"]) == pytest.approx(conference.venue.location.latitude)


async def test_free_text_goes_to_the_core_and_buttons_ask_follow_ups(bot: RunningBot) -> None:
    sent = await bot.say(updates.message(ALICE, "jak dojechac na Zablocie?"), ALICE, count=2)
    assert "Adres" in _visible(sent[0].text)
    follow_up = next(b for b in sent[0].buttons() if "callback_data" in b)
    message = {
        "message_id": 7,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
    }
    answer = (await bot.say(updates.callback(follow_up["callback_data"], message), ALICE))[0]
    assert answer.method == "sendMessage" and _visible(answer.text)


async def test_a_long_payload_button_still_works_after_its_table_entry_is_gone(bot: RunningBot) -> None:
    """Buttons whose question does not fit in 64 bytes survive a restart through their label."""
    message = {
        "message_id": 8,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
        "reply_markup": {"inline_keyboard": [[{"text": "Co dalej?", "callback_data": "#deadbeef"}]]},
    }
    [answer] = await bot.say(updates.callback("#deadbeef", message), ALICE)
    assert "15:00" in _visible(answer.text)


@pytest.mark.parametrize("text", ["<b>program</b>", "Fish & Chips", "<script>alert(1)</script>", "a < b > c"])
async def test_hostile_text_is_answered_with_valid_escaped_html(bot: RunningBot, text: str) -> None:
    sent = await bot.say(updates.message(ALICE, text), ALICE)
    for call in sent:
        _visible(call.text)  # raises if Telegram would reject the markup
        assert "<script>" not in call.text


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (updates.sticker, "naklejki"),
        (updates.photo, "zdjęć"),
        (updates.voice, "nagrań"),
        (updates.location, "lokalizację"),
        (updates.contact, "kontaktów"),
    ],
)
async def test_non_text_messages_get_a_polite_reply_in_private(
    bot: RunningBot, update, expected: str
) -> None:  # type: ignore[no-untyped-def]
    [sent] = await bot.say(update(ALICE), ALICE)
    assert expected in _visible(sent.text)


async def test_edited_message_gets_a_polite_reply(bot: RunningBot) -> None:
    [sent] = await bot.say(updates.message(ALICE, "co jest terz", edited=True), ALICE)
    assert "poprawioną" in _visible(sent.text)


async def test_unknown_command_in_private_explains_and_helps(bot: RunningBot) -> None:
    [sent] = await bot.say(updates.message(ALICE, "/xyz"), ALICE)
    text = _visible(sent.text)
    assert "/xyz" in text and "co jest teraz?" in text


async def test_group_answers_only_when_addressed(bot: RunningBot) -> None:
    await bot.quiet(updates.message(GROUP, "co jest teraz?"), GROUP)
    await bot.quiet(updates.sticker(GROUP), GROUP)
    await bot.quiet(updates.message(GROUP, "/teraz@InnyBot"), GROUP)
    await bot.quiet(updates.message(GROUP, "/xyz"), GROUP)
    await bot.quiet(updates.message(GROUP, "co teraz", edited=True), GROUP)

    mention = updates.message(GROUP, f"@{BOT_USERNAME} co jest teraz?")
    [sent] = await bot.say(mention, GROUP)
    assert "15:00" in _visible(sent.text)
    assert sent.params["reply_parameters"]["message_id"] == mention["message"]["message_id"]

    [sent] = await bot.say(updates.message(GROUP, "a co dalej?", reply_to_bot=True), GROUP)
    assert "15:00" in _visible(sent.text)
    [sent] = await bot.say(updates.message(GROUP, f"/teraz@{BOT_USERNAME}"), GROUP)
    assert "15:00" in _visible(sent.text)
    [sent] = await bot.say(updates.message(GROUP, "/dalej"), GROUP)
    assert "15:00" in _visible(sent.text)


async def test_bare_mention_gets_the_welcome(bot: RunningBot) -> None:
    [sent] = await bot.say(updates.message(GROUP, f"@{BOT_USERNAME}"), GROUP)
    assert "Dzień dobry" in _visible(sent.text)


async def test_429_waits_retry_after_then_delivers(bot: RunningBot) -> None:
    bot.api.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    await bot.say(updates.message(ALICE, "/teraz"), ALICE, count=2)  # the refused try and the real one
    attempts = bot.api.sent(ALICE)
    assert attempts[-1].at - attempts[-2].at >= 0.95
    assert time.monotonic() - started < 5


async def test_500_is_retried_with_backoff(bot: RunningBot) -> None:
    bot.api.fail("sendMessage", 500, times=2)
    sent = await bot.say(updates.message(ALICE, "/kontakt"), ALICE, count=3)
    assert sent[0].text == sent[2].text


async def test_polling_survives_server_errors_and_flood_waits(bot: RunningBot) -> None:
    bot.api.fail("getUpdates", 500, times=2)
    bot.api.fail("getUpdates", 429, retry_after=1)
    [sent] = await bot.say(updates.message(ALICE, "/teraz"), ALICE)
    assert "15:00" in _visible(sent.text)


async def test_a_failing_handler_apologises_and_logs_only_the_update_id(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 400)  # e.g. Telegram rejects the message: the handler raises BadRequest
    secret_question = "jak dojechać z dworca? (prywatne pytanie 7781)"
    update = updates.message(ALICE, secret_question)
    with caplog.at_level(logging.ERROR, logger="handlers.telegram.errors"):
        sent = await bot.say(update, ALICE, count=2)
    assert "Coś poszło nie tak" in sent[-1].text
    record = next(r for r in caplog.records if r.name == "handlers.telegram.errors")
    assert str(update["update_id"]) in record.getMessage()
    assert "7781" not in caplog.text and TOKEN not in caplog.text


async def test_every_sent_callback_data_fits_and_every_message_is_valid_html(bot: RunningBot) -> None:
    for question in [
        "/start",
        "/wizyty",
        "/program",
        "kto organizuje?",
        "program na jutro",
        "co w czwartek o 10?",
    ]:
        await bot.say(updates.message(ALICE, question), ALICE)
    for call in bot.api.sent(ALICE):
        if call.method in ("sendMessage", "editMessageText"):
            _visible(call.text)
            assert len(call.text) <= 4096
        for button in call.buttons():
            assert len(button.get("callback_data", "").encode()) <= CALLBACK_LIMIT
    assert json.dumps([c.params for c in bot.api.sent(ALICE)])  # all JSON-serialisable, nothing odd


async def test_messages_after_stop_are_not_lost(fake_api: FakeBotApi, conference: Conference) -> None:
    """Updates queued while the bot is down are answered when it comes back (offset confirmed)."""
    from tests.handlers.telegram.conftest import running_bot

    async with running_bot(fake_api, conference) as first:
        await first.say(updates.message(ALICE, "/teraz"), ALICE)
    fake_api.push(updates.message(ALICE, "/dalej"))
    async with running_bot(fake_api, conference) as second:
        await second.api.wait_sent(ALICE, 2)
    assert len(fake_api.sent(ALICE)) == 2  # the first answer was not sent again


def test_visit_buttons_have_distinct_labels(conference: Conference) -> None:
    from bot.programme import visit_labels
    from handlers.telegram.commands import VISIT_LABEL

    labels = visit_labels(conference.visits, VISIT_LABEL)
    assert len(set(labels)) == len(labels) == len(conference.visits)
    assert all(0 < len(label) <= 40 for label in labels)


@pytest.mark.parametrize("odd", ["²", "--1"])
async def test_a_day_button_that_is_no_day_index_shows_every_day(bot: RunningBot, odd: str) -> None:
    """A forged callback ("²" passes str.isdigit yet int() refuses it) gets the whole programme."""
    [picker] = await bot.say(updates.message(ALICE, "/program"), ALICE)
    sent_message = _as_sent(bot, picker)
    [whole] = await bot.say(updates.callback("d:-1", sent_message), ALICE)
    [edited] = await bot.say(updates.callback(f"d:{odd}", sent_message), ALICE)
    assert edited.method == whole.method == "editMessageText"
    assert edited.text == whole.text and texts.ERROR not in _visible(edited.text)
