"""The person's own state on Messenger: plan, reminder settings, forgetting — with the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.model import Conference
from bot.store.store import Store
from tests.fakes.graph_api import FakeGraphApi
from tests.handlers.messenger.conftest import (
    ANNA,
    RunningMessenger,
    postback,
    quick_reply,
    running_messenger,
    text,
)

VISIT = "wizyta-na-kozlowce"


@pytest.fixture
async def bot(graph: FakeGraphApi, conference: Conference, store: Store) -> AsyncIterator[RunningMessenger]:
    async with running_messenger(graph, conference, store=store) as running:
        yield running


def option(call: object, title_start: str) -> dict[str, str]:
    return next(q for q in call.quick_replies if q["title"].startswith(title_start))  # type: ignore[attr-defined]


async def test_a_message_records_the_person_and_opens_the_window(bot: RunningMessenger, store: Store) -> None:
    await bot.say(text(ANNA, "co dalej"))
    person = await store.find("messenger", ANNA)
    assert person is not None and person.last_seen is not None
    assert datetime.now(UTC) - person.last_seen < timedelta(seconds=30)


async def test_plan_add_list_and_remove_with_quick_replies(bot: RunningMessenger) -> None:
    [details] = await bot.say(quick_reply(ANNA, "Na Kozłówce", f"SES:{VISIT}"))
    add = option(details, "➕")
    assert details.quick_replies[0] == add and add["payload"] == f"PLAN:+{VISIT}"
    [added] = await bot.say(quick_reply(ANNA, add["title"], add["payload"]))
    assert "Dodano do Twojego planu" in added.text
    [plan] = await bot.say(text(ANNA, "mój plan"))
    assert "Twój plan (1)" in plan.text and "Na Kozłówce" in plan.text
    [again] = await bot.say(quick_reply(ANNA, "Na Kozłówce", f"SES:{VISIT}"))
    remove = option(again, "➖")
    [removed] = await bot.say(quick_reply(ANNA, remove["title"], remove["payload"]))
    assert "Usunięto z Twojego planu" in removed.text
    [empty] = await bot.say(postback(ANNA, "CMD:plan"))
    assert "pusty" in empty.text


async def test_reminder_settings_by_text_command_and_quick_reply(bot: RunningMessenger, store: Store) -> None:
    [on] = await bot.say(text(ANNA, "przypominaj mi 10 minut przed"))
    assert "10 minut" in on.text
    person = await store.find("messenger", ANNA)
    assert person is not None
    prefs = await store.preferences(person.id)
    assert prefs.reminders and prefs.lead_minutes == 10
    [menu] = await bot.say(postback(ANNA, "CMD:przypomnienia"))
    off = option(menu, "Wyłącz")
    [done] = await bot.say(quick_reply(ANNA, off["title"], off["payload"]))
    assert not (await store.preferences(person.id)).reminders and "wyłączone" in done.text.lower()
    await bot.say(text(ANNA, "/przypomnienia wlacz 30"))
    assert (await store.preferences(person.id)).lead_minutes == 30


async def test_forget_asks_first_then_deletes_everything(bot: RunningMessenger, store: Store) -> None:
    await bot.say(text(ANNA, "przypominaj mi 10 minut przed"))
    [ask] = await bot.say(text(ANNA, "/usun_dane"))
    assert ask.titles == ["Tak, usuń moje dane", "Nie, zostaw"]
    no = option(ask, "Nie")
    [kept] = await bot.say(quick_reply(ANNA, no["title"], no["payload"]))
    assert "niczego nie usuwam" in kept.text and await store.find("messenger", ANNA) is not None
    yes = option(ask, "Tak")
    [gone] = await bot.say(quick_reply(ANNA, yes["title"], yes["payload"]))
    assert "usun" in gone.text.lower() or "usuń" in gone.text.lower()
    assert await store.find("messenger", ANNA) is None


async def test_turning_reminders_on_explains_the_24_hour_window(bot: RunningMessenger) -> None:
    [on] = await bot.say(text(ANNA, "włącz przypomnienia"))
    assert "24 godzin" in on.text and "Przypomnienia włączone" in on.text
    [off] = await bot.say(text(ANNA, "wyłącz przypomnienia"))
    assert "24 godzin" not in off.text


async def test_with_the_event_tag_there_is_no_window_to_explain(
    graph: FakeGraphApi, conference: Conference, store: Store
) -> None:
    async with running_messenger(graph, conference, store=store, messenger_event_update_tag=True) as bot:
        [on] = await bot.say(text(ANNA, "włącz przypomnienia"))
    assert "Przypomnienia włączone" in on.text and "24 godzin" not in on.text


async def test_the_plan_comes_as_a_calendar_file_too(bot: RunningMessenger, conference: Conference) -> None:
    from icalendar import Calendar

    [empty] = await bot.say(postback(ANNA, "CMD:plan"))
    assert not any(q["payload"] == "PLAN:ics" for q in empty.quick_replies)  # nothing to export yet
    await bot.say(quick_reply(ANNA, "➕", f"PLAN:+{VISIT}"))
    [plan] = await bot.say(postback(ANNA, "CMD:plan"))
    calendar = option(plan, "📅")
    [file_message, caption] = await bot.say(
        quick_reply(ANNA, calendar["title"], calendar["payload"]), count=2
    )
    assert file_message.message == {"attachment": {"type": "file", "payload": {"is_reusable": False}}}
    assert file_message.file is not None and file_message.file["filename"] == "moj-plan.ics"
    events = [c for c in Calendar.from_ical(file_message.file["content"]).walk("VEVENT")]
    assert len(events) == 1 and "Kozłówce" in str(events[0]["SUMMARY"])
    assert "plik kalendarza" in caption.text
