"""Every kind of question, command, tap and attachment through the real Messenger channel."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

import pytest

from bot import texts
from bot.assistant import Assistant
from bot.intents import Intent
from bot.model import Conference
from bot.reply import Reply, ReplyBuilder
from handlers.messenger.payloads import decode
from tests.fakes.graph_api import FakeGraphApi, GraphCall
from tests.handlers.messenger.conftest import (
    ANNA,
    BARTEK,
    RunningMessenger,
    attachment,
    postback,
    quick_reply,
    running_messenger,
    text,
)

# One question per intent the core knows (reminders, which need the database, in test_personal).
QUESTIONS = [
    ("co jest teraz?", Intent.NOW),
    ("co dalej", Intent.NEXT),
    ("co będzie jutro o 10?", Intent.AT_TIME),
    ("program na czwartek", Intent.DAY_PROGRAMME),
    ("jakie są wizyty studyjne", Intent.VISITS),
    ("kiedy jest wizyta na kozlowce", Intent.VISIT),
    ("o ktorej otwarcie konferencji", Intent.SESSION),
    ("co to OWOP", Intent.ORGANISATION),
    ("gdzie jest konferencja", Intent.VENUE),
    ("kontakt do organizatorow", Intent.CONTACT),
    ("kto organizuje", Intent.ORGANISERS),
    ("o czym jest konferencja", Intent.ABOUT_EVENT),
    ("czym sie zajmuje fundacja bis", Intent.ABOUT_ORGANISER),
    ("czy jest wifi", Intent.FAQ),
    ("pomoc", Intent.HELP),
    ("dzien dobry", Intent.GREETING),
    ("dzieki", Intent.THANKS),
    ("jaka bedzie pogoda w zakopanem", Intent.FALLBACK),
]


def check_message(call: GraphCall) -> None:
    """What Meta would insist on, plus ours: no markup, nothing empty."""
    assert 0 < len(call.text.encode("utf-16-le")) // 2 <= 2000
    assert "<b>" not in call.text and "</" not in call.text
    assert len(call.quick_replies) <= 13
    for option in call.quick_replies:
        assert option["content_type"] == "text"
        assert 0 < len(option["title"]) <= 20
        assert decode(option["payload"]) is not None


@pytest.mark.parametrize(("question", "intent"), QUESTIONS, ids=[i.value for _, i in QUESTIONS])
async def test_every_intent_is_answered_with_quick_replies_that_work(
    bot: RunningMessenger, conference: Conference, question: str, intent: Intent
) -> None:
    expected = Assistant(conference, bot.clock).ask(question)
    assert expected.intent is intent  # the question is the kind it stands for
    [answer] = await bot.say(text(ANNA, question))
    check_message(answer)
    assert answer.text.splitlines()[0] == expected.reply.plain_text.splitlines()[0]
    assert answer.quick_replies, "follow-ups are offered as quick replies"
    first = answer.quick_replies[0]
    [followed] = await bot.say(quick_reply(ANNA, first["title"], first["payload"]))
    check_message(followed)
    asked = decode(first["payload"])
    assert asked is not None
    expected_next = Assistant(conference, bot.clock).ask(asked.value).reply
    assert followed.text.splitlines()[0] == expected_next.plain_text.splitlines()[0]


async def test_typing_comes_before_each_answer(bot: RunningMessenger) -> None:
    await bot.say(text(ANNA, "kontakt"))
    await bot.say(text(ANNA, "co dalej"))
    kinds = ["action" if "sender_action" in c.body else "message" for c in bot.graph.calls_to("me/messages")]
    assert kinds == ["action", "message", "action", "message"]


async def test_get_started_and_every_menu_item_answer(bot: RunningMessenger, conference: Conference) -> None:
    from handlers.messenger.profile import menu

    [welcome] = await bot.say(postback(ANNA, "CMD:start", "Rozpocznij"))
    assert conference.event.label in welcome.text and welcome.quick_replies
    assert texts.AUTOMATED in welcome.text  # Meta's policy: an automated chat says so
    assert ("Wizyty studyjne", "wizyty") in menu(conference)
    for title, name in menu(conference):
        [answer] = await bot.say(postback(ANNA, f"CMD:{name}", title))
        check_message(answer)


async def test_typed_commands_work_like_on_telegram(bot: RunningMessenger) -> None:
    [now] = await bot.say(text(ANNA, "/teraz"))
    assert "15:00" in now.text
    [unknown] = await bot.say(text(ANNA, "/cokolwiek"))
    assert "/cokolwiek" in unknown.text and "Zapytaj" in unknown.text
    [day] = await bot.say(text(ANNA, "/program jutro"))
    assert "czwartek" in day.text.lower()


async def test_programme_offers_days_and_a_day_tap_shows_it(bot: RunningMessenger) -> None:
    [picker] = await bot.say(postback(ANNA, "CMD:program"))
    assert picker.titles == ["Dziś", "Czwartek 30.11", "Wszystkie dni"]
    second = picker.quick_replies[1]
    [day] = await bot.say(quick_reply(ANNA, second["title"], second["payload"]))
    assert "30 listopada" in day.text and "29 listopada" not in day.text


async def test_visits_offer_details_with_the_meeting_point_and_a_map_link(
    graph: FakeGraphApi, conference: Conference
) -> None:
    async with running_messenger(graph, conference) as bot:
        [visits] = await bot.say(postback(ANNA, "CMD:wizyty"))
        assert len(visits.quick_replies) == len(conference.visits)
        assert len(set(visits.titles)) == len(visits.titles)
        kozlowka = next(q for q in visits.quick_replies if "Kozłówce" in q["title"])
        [details] = await bot.say(quick_reply(ANNA, kozlowka["title"], kozlowka["payload"]))
        assert "Miejsce zbiórki" in details.text and "do potwierdzenia" in details.text


async def test_a_pin_becomes_a_map_link_and_links_are_not_repeated(bot: RunningMessenger) -> None:
    [venue] = await bot.say(text(ANNA, "jak dojechać?"))
    assert "https://www.google.com/maps/search/?api=1&query=50.048000,19.957000" in venue.text
    assert venue.text.count("openstreetmap.org") == 1
    assert venue.text.count("przybliżona") == 1


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("image", {"url": "https://example.org/a.jpg"}, "tekstem"),
        ("image", {"url": "https://example.org/s.png", "sticker_id": 369239263222822}, "tekstem"),
        ("audio", {"url": "https://example.org/a.mp4"}, "tekstem"),
        ("location", {"coordinates": {"lat": 50.05, "long": 19.96}}, "dojechać"),
        ("file", {"url": "https://example.org/a.pdf"}, "tekstem"),
    ],
)
async def test_attachments_get_a_polite_reply(
    bot: RunningMessenger, conference: Conference, kind: str, payload: dict[str, object], expected: str
) -> None:
    [answer] = await bot.say(attachment(ANNA, kind, payload))
    assert answer.text
    check_message(answer)


@pytest.mark.parametrize(
    "words",
    ["", "   ", "😀😀😀", "<script>alert(1)</script>", "a" * 5000, "\u0000\u200b", "DROP TABLE users;--"],
)
async def test_odd_messages_get_a_polite_answer(bot: RunningMessenger, words: str) -> None:
    [answer] = await bot.say(text(ANNA, words))
    check_message(answer)


async def test_unknown_or_stale_payloads_get_help(bot: RunningMessenger) -> None:
    [answer] = await bot.say(postback(ANNA, "SOMETHING_FROM_AN_OLD_VERSION"))
    assert "Zapytaj" in answer.text
    [gone] = await bot.say(quick_reply(ANNA, "Stara wizyta", "SES:no-such-session"))
    assert "nie ma już w programie" in gone.text


async def test_an_answer_over_2000_characters_is_split_with_quick_replies_on_the_last_part(
    graph: FakeGraphApi, conference: Conference
) -> None:
    long_description = " ".join(["Opis wizyty studyjnej, bardzo szczegółowy."] * 300)  # ~13,000 chars
    visit = conference.visits[0]
    changed = dataclasses.replace(
        conference,
        sessions=tuple(
            dataclasses.replace(s, description=long_description) if s.id == visit.id else s
            for s in conference.sessions
        ),
    )
    async with running_messenger(graph, changed) as bot:
        response = await bot.post(quick_reply(ANNA, "Szczegóły", f"SES:{visit.id}"))
        assert response.status_code == 200
        await graph.wait_for(lambda g: any(not c.quick_replies for c in g.messages(ANNA)))
        await graph.wait_for(lambda g: bool(g.messages(ANNA)) and bool(g.messages(ANNA)[-1].quick_replies))
        parts = graph.messages(ANNA)
    assert len(parts) >= 7
    for part in parts:
        check_message(part)
    assert all(not p.quick_replies for p in parts[:-1]) and parts[-1].quick_replies
    joined = "".join(p.text for p in parts).replace("\n", "").replace(" ", "")
    assert long_description.replace(" ", "") in joined  # nothing lost in the split


async def test_a_failing_answer_apologises_and_logs_no_contents(
    bot: RunningMessenger, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str) -> None:
        raise RuntimeError("boom with secret contents")

    monkeypatch.setattr(bot.messenger.sender.assistant, "ask", broken)
    with caplog.at_level(logging.ERROR):
        [answer] = await bot.say(text(ANNA, "moje prywatne pytanie"))
    assert "Coś poszło nie tak" in answer.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "moje prywatne pytanie" not in logged


async def test_a_failed_typing_indicator_does_not_stop_the_answer(bot: RunningMessenger) -> None:
    bot.graph.fail("me/messages", 500, 2, times=1)
    [answer] = await bot.say(text(ANNA, "kontakt"))
    assert answer.text and len(bot.graph.calls_to("me/messages")) == 2


async def test_send_api_errors_are_retried_then_delivered(bot: RunningMessenger) -> None:
    await bot.say(text(ANNA, "dzień dobry"))
    bot.graph.fail("me/messages", 500, 2, times=2)
    bot.graph.fail("me/messages", 400, 613, times=1)  # "calls to this API have exceeded the rate limit"
    [answer] = await bot.say(text(ANNA, "kontakt"))
    assert answer.text
    assert sum(c.failed for c in bot.graph.calls_to("me/messages")) == 3
    assert len(bot.graph.messages(ANNA)) == 2


async def test_the_page_token_is_sent_only_to_the_graph_api_and_never_logged(
    bot: RunningMessenger, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fakes.graph_api import PAGE_TOKEN

    bot.graph.fail("me/messages", 500, 2, times=6)  # typing (tried once), then the answer 5 times
    with caplog.at_level(logging.DEBUG):
        await bot.post(text(ANNA, "kontakt"))
        await bot.graph.wait_for(lambda g: len(g.calls_to("me/messages")) >= 6)
        await asyncio.sleep(0.2)
    assert bot.graph.messages(ANNA) == []  # gave up after bounded retries
    assert bot.graph.tokens_seen == {PAGE_TOKEN}
    assert all("access_token" not in c.body for c in bot.graph.calls)
    # Even with every library logging at DEBUG, no record carries the token (it is in a header).
    assert PAGE_TOKEN not in caplog.text


async def test_a_reply_object_is_rendered_once_per_set_of_options(
    bot: RunningMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.messenger import render

    rendered: list[object] = []
    real = render.messages

    def counted(reply: Reply, extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
        rendered.append(reply)
        return real(reply, extra)

    monkeypatch.setattr(render, "messages", counted)
    reply = ReplyBuilder().line("Dzień dobry").suggest("Program", "program").build()
    sender = bot.messenger.sender
    await sender.send(ANNA, reply)
    await sender.send(BARTEK, reply)
    assert rendered == [reply]
    await sender.send(ANNA, reply, extra=[("Więcej", "CMD:menu")])
    await sender.send(ANNA, ReplyBuilder().line("Dzień dobry").build())  # equal text, another object
    assert len(rendered) == 3
    assert [c.text for c in bot.graph.messages(ANNA)] == ["Dzień dobry"] * 3


@pytest.mark.parametrize("odd", ["²", "--1", "99999", "", "٣"])
async def test_a_day_payload_that_is_no_day_index_gets_the_whole_programme(
    bot: RunningMessenger, odd: str
) -> None:
    """ "²" passes str.isdigit yet int() refuses it: such a payload once ended in an error."""
    [whole] = await bot.say(postback(ANNA, "DAY:-1"))
    [answer] = await bot.say(postback(ANNA, f"DAY:{odd}"))
    assert answer.text == whole.text and texts.ERROR not in answer.text
