"""Reminders and personal data through the real Telegram application, with a real database."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.model import Conference
from bot.store.store import Store
from handlers.telegram.notifier import TelegramNotifier
from scheduler.limiter import RateLimiter
from scheduler.reminders import Reminders
from tests.fakes import updates
from tests.fakes.telegram_api import Call, FakeBotApi
from tests.fakes.updates import ALICE
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html, running_bot

VISIT = "wizyta-na-kozlowce"


@pytest.fixture
async def bot(fake_api: FakeBotApi, conference: Conference, store: Store) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_api, conference, now="2023-11-29 14:40", store=store) as running:
        yield running


def _message(call: Call) -> dict[str, object]:
    """The message a button belongs to, as Telegram would send it back in a callback."""
    return {
        "message_id": 1000,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
        "reply_markup": call.markup,
    }


def _button(call: Call, label: str) -> str:
    return next(b["callback_data"] for b in call.buttons() if b["text"].startswith(label))


def _reminders(bot: RunningBot, store: Store, conference: Conference) -> Reminders:
    replier = bot.application.bot_data["replier"]
    notifier = TelegramNotifier(bot.application.bot, replier)
    return Reminders(store, notifier, lambda: conference, bot.clock, RateLimiter(rate=1000, per_chat=0))


async def test_reminders_command_shows_then_turns_on_and_off(bot: RunningBot, store: Store) -> None:
    [shown] = await bot.say(updates.message(ALICE, "/przypomnienia"), ALICE)
    assert "wyłączone" in parse_telegram_html(shown.text)
    [on] = await bot.say(updates.callback(_button(shown, "Włącz"), _message(shown)), ALICE)
    assert "włączone" in parse_telegram_html(on.text) and "15 minut" in parse_telegram_html(on.text)
    [ten] = await bot.say(updates.message(ALICE, "/przypomnienia wlacz 10"), ALICE)
    assert "10 minut" in parse_telegram_html(ten.text)
    person = await store.find("telegram", str(ALICE))
    assert person is not None
    prefs = await store.preferences(person.id)
    assert (prefs.reminders, prefs.lead_minutes, prefs.visit_lead_minutes) == (True, 10, 30)
    [off] = await bot.say(updates.message(ALICE, "wyłącz przypomnienia"), ALICE)
    assert "wyłączone" in parse_telegram_html(off.text)
    assert not (await store.preferences(person.id)).reminders


async def test_free_text_sets_lead_time(bot: RunningBot, store: Store) -> None:
    [sent] = await bot.say(updates.message(ALICE, "przypominaj mi pół godziny przed"), ALICE)
    assert "30 minut" in parse_telegram_html(sent.text)


async def test_a_reminder_arrives_with_buttons_and_its_button_turns_reminders_off(
    bot: RunningBot, store: Store, conference: Conference
) -> None:
    await bot.say(updates.message(ALICE, "/przypomnienia wlacz 30"), ALICE)
    reminders = _reminders(bot, store, conference)
    before = len(bot.api.sent(ALICE))
    result = await reminders.fire(VISIT, 30)
    assert result.sent == 1
    reminder = bot.api.sent(ALICE)[before]
    text = parse_telegram_html(reminder.text)
    assert text.startswith("⏰ Za 20 minut, o 15:00:") and "Na Kozłówce" in text
    assert [b["text"] for b in reminder.buttons()] == ["Szczegóły", "Wyłącz przypomnienia"]
    [details] = await bot.say(updates.callback(_button(reminder, "Szczegóły"), _message(reminder)), ALICE)
    assert "Kiedy:" in parse_telegram_html(details.text)
    [off] = await bot.say(updates.callback(_button(reminder, "Wyłącz"), _message(reminder)), ALICE)
    assert "wyłączone" in parse_telegram_html(off.text)
    assert (await reminders.fire("wizyta-cim", 30)).sent == 0


async def test_fan_out_rides_a_429_and_marks_a_blocked_user(
    bot: RunningBot, store: Store, conference: Conference
) -> None:
    await bot.say(updates.message(ALICE, "/przypomnienia wlacz 15"), ALICE)
    await bot.say(updates.message(2002, "/przypomnienia wlacz 15"), 2002)
    bot.api.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    result = await _reminders(bot, store, conference).fire(VISIT, 30)  # visits: 30 min for both
    assert result.sent == 2 and time.monotonic() - started >= 0.95
    bot.api.fail("sendMessage", 403)
    bot.clock.advance(timedelta(minutes=10))
    result = await _reminders(bot, store, conference).fire("wizyta-nasza-sciana", 30)
    assert (result.sent, result.blocked) == (1, 1)
    found = [await store.find("telegram", str(chat)) for chat in (ALICE, 2002)]
    assert sum(1 for person in found if person is not None and person.blocked) == 1


async def test_delete_my_data_asks_first_then_deletes(bot: RunningBot, store: Store) -> None:
    await bot.say(updates.message(ALICE, "/przypomnienia wlacz 10"), ALICE)
    [ask] = await bot.say(updates.message(ALICE, "/usun_dane"), ALICE)
    assert "Usunąć?" in parse_telegram_html(ask.text)
    [kept] = await bot.say(updates.callback(_button(ask, "Nie"), _message(ask)), ALICE)
    assert kept.method == "editMessageText" and "niczego nie usuwam" in kept.text
    assert await store.find("telegram", str(ALICE)) is not None
    [done] = await bot.say(updates.callback(_button(ask, "Tak"), _message(ask)), ALICE)
    assert done.method == "editMessageText" and "Usunięte" in done.text
    assert await store.find("telegram", str(ALICE)) is None


async def test_fallback_questions_are_kept_for_the_organisers(bot: RunningBot, store: Store) -> None:
    await bot.say(updates.message(ALICE, "gdzie jest najbliższa apteka?"), ALICE)
    stats = await store.statistics()
    assert stats.unanswered == [("gdzie jest najbliższa apteka?", 1)]


async def test_plan_buttons_overlap_warning_listing_and_calendar_file(bot: RunningBot, store: Store) -> None:
    [empty] = await bot.say(updates.message(ALICE, "/plan"), ALICE)
    assert "pusty" in parse_telegram_html(empty.text)
    [listing] = await bot.say(updates.message(ALICE, "/wizyty"), ALICE)
    details = {}
    for label in ("ℹ️ Na Kozłówce", "ℹ️ Nasza Ściana"):
        sent = await bot.say(updates.callback(_button(listing, label), _message(listing)), ALICE)
        details[label] = sent[0]
        assert any(b["text"] == "➕ Dodaj do planu" for b in sent[0].buttons())
    [added] = await bot.say(
        updates.callback(_button(details["ℹ️ Na Kozłówce"], "➕"), _message(details["ℹ️ Na Kozłówce"])), ALICE
    )
    assert "Dodano do Twojego planu" in parse_telegram_html(added.text)
    [second] = await bot.say(
        updates.callback(_button(details["ℹ️ Nasza Ściana"], "➕"), _message(details["ℹ️ Nasza Ściana"])), ALICE
    )
    assert "⚠️ Nakładają się" in parse_telegram_html(second.text)  # 15:00–16:30 and 15:30–17:00

    [plan] = await bot.say(updates.message(ALICE, "mój plan"), ALICE)
    text = parse_telegram_html(plan.text)
    assert "Twój plan (2)" in text and "Na Kozłówce" in text and "⚠️" in text
    [plan] = await bot.say(updates.message(ALICE, "/plan"), ALICE)
    [document] = await bot.say(updates.callback(_button(plan, "📅"), _message(plan)), ALICE)
    assert document.method == "sendDocument"
    upload = document.params["document"]
    assert upload["filename"] == "moj-plan.ics"
    assert upload["content"].count(b"BEGIN:VEVENT") == 2

    again = await bot.say(updates.message(ALICE, "kiedy jest wizyta na Kozłówce?"), ALICE)
    remove = _button(again[0], "➖ Usuń z planu")
    [removed] = await bot.say(updates.callback(remove, _message(again[0])), ALICE)
    assert "Usunięto" in parse_telegram_html(removed.text)
    person = await store.find("telegram", str(ALICE))
    assert person is not None and await store.plan(person.id) == {"wizyta-nasza-sciana"}
