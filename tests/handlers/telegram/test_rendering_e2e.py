"""Data with markup-like text, a very long answer, and a meeting point pin, through the real app."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.loading import parse_conference
from bot.model import Conference
from tests.conftest import DATA
from tests.fakes import updates
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.updates import ALICE
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html, running_bot

HOSTILE_TITLE = "<b>Fish & Chips</b> <script>alert(1)</script>"
LONG_DESCRIPTION = " ".join(f"Zdanie {i} opisu wizyty & spotkania <u>z mieszkańcami</u>." for i in range(400))


def _edited_conference() -> Conference:
    text = DATA.read_text(encoding="utf-8")
    visit = 'title: "Wizyta studyjna: Program Aktywności Lokalnej „Nad Potokiem”"'
    assert visit in text
    text = text.replace(
        visit,
        f"title: '{HOSTILE_TITLE}'\n"
        f"        description: '{LONG_DESCRIPTION}'\n"
        "        meeting_point:\n"
        "          text: przed wejściem głównym\n"
        "          address: ul. Przykładowa 1\n"
        "          location: {latitude: 50.01, longitude: 19.99}",
    )
    text = text.replace("        meeting_point: {provisional: true}\n", "", 1)
    # A place with only a rough pin and no address: its visit gets a bare location.
    place = '    short_name: "Nasza Ściana"\n'
    assert place in text
    text = text.replace(
        place, place + "    location: {latitude: 50.05, longitude: 19.93, approximate: true}\n"
    )
    return parse_conference(text, "edited.yaml")


@pytest.fixture
async def edited_bot(fake_api: FakeBotApi) -> AsyncIterator[RunningBot]:
    async with running_bot(fake_api, _edited_conference()) as running:
        yield running


async def test_markup_in_the_data_is_shown_as_text(edited_bot: RunningBot) -> None:
    [listing] = await edited_bot.say(updates.message(ALICE, "/wizyty"), ALICE)
    assert "&lt;b&gt;Fish &amp; Chips&lt;/b&gt; &lt;script&gt;" in listing.text
    assert HOSTILE_TITLE in parse_telegram_html(listing.text)


async def test_a_long_answer_is_split_under_4096_with_buttons_on_the_last_part(
    edited_bot: RunningBot,
) -> None:
    api = edited_bot.api
    [listing] = await edited_bot.say(updates.message(ALICE, "/wizyty"), ALICE)
    button = next(b for b in listing.buttons() if b["text"].startswith("ℹ️ Nad Potokiem"))
    message = {
        "message_id": 9,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
    }
    before = len(api.sent(ALICE))
    api.push(updates.callback(button["callback_data"], message))
    await api.wait_for(lambda a: any(c.method == "sendVenue" for c in a.sent(ALICE)[before:]))
    sent = api.sent(ALICE)[before:]
    texts = [c for c in sent if c.method == "sendMessage"]
    assert len(texts) >= 5  # over 20,000 characters of description
    visible = [parse_telegram_html(c.text) for c in texts]
    assert all(len(c.text) <= 4096 for c in texts)
    whole = "\n".join(visible)
    assert "Zdanie 0 opisu" in whole and "Zdanie 399 opisu" in whole and "<u>z mieszkańcami</u>" in whole
    assert all(c.markup is None for c in texts[:-1]) and texts[-1].markup is not None
    venue = sent[-1]
    assert venue.method == "sendVenue"
    assert float(venue.params["latitude"]) == pytest.approx(50.01)
    assert "ul. Przykładowa 1" in venue.params["address"]
    assert venue.params["title"].startswith("Zbiórka")


async def test_a_pin_without_an_address_is_sent_as_a_location(edited_bot: RunningBot) -> None:
    [listing] = await edited_bot.say(updates.message(ALICE, "/wizyty"), ALICE)
    button = next(b for b in listing.buttons() if "Nasza Ściana" in b["text"])
    message = {
        "message_id": 9,
        "date": int(time.time()),
        "chat": {"id": ALICE, "type": "private"},
        "text": "…",
    }
    sent = await edited_bot.say(updates.callback(button["callback_data"], message), ALICE, count=2)
    assert [c.method for c in sent] == ["sendMessage", "sendLocation"]
    assert float(sent[1].params["latitude"]) == pytest.approx(50.05)
    assert float(sent[1].params["horizontal_accuracy"]) > 0  # the pin is only approximate
    assert "Pinezka jest przybliżona" in parse_telegram_html(sent[0].text)
