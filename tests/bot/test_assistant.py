"""Behaviour of answers beyond intent accuracy: truth, provisional marks, robustness."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.intents import Intent
from bot.model import Conference
from bot.reply import Style

Ask = Callable[..., Any]


def test_now_lists_running_sessions_with_end_times(ask: Ask) -> None:
    answer = ask("co jest teraz?", "2023-11-29 15:40")
    text = answer.reply.plain_text
    assert answer.intent is Intent.NOW
    for title in ("Nad Potokiem", "Na Kozłówce", "Nasza Ściana", "Świetlica Dębniki"):
        assert title in text
    assert "do 16:30" in text and "do 17:00" in text
    assert "People meet People" in text  # what comes next


def test_now_before_and_after_the_event(ask: Ask) -> None:
    before = ask("co teraz", "2023-11-20 12:00").reply.plain_text
    assert "29 listopada" in before and "za 9 dni" in before
    after = ask("co teraz", "2023-12-05 12:00").reply.plain_text
    assert "zakończyła się" in after and "30 listopada" in after


def test_now_between_items_says_nothing_is_on(ask: Ask) -> None:
    text = ask("co się dzieje?", "2023-11-30 08:00").reply.plain_text
    assert "nic się nie odbywa" in text
    assert "09:00" in text and "Rejestracja" in text


def test_next_after_the_last_item(ask: Ask) -> None:
    text = ask("co dalej?", "2023-11-30 14:50").reply.plain_text
    assert "koniec programu" in text


def test_provisional_times_are_marked(ask: Ask) -> None:
    text = ask("program na czwartek", "2023-11-29 10:00").reply.plain_text
    # Said once, under the list, not on every line.
    assert texts.PROVISIONAL_DAY in text
    assert "godzina orientacyjna" not in text
    wednesday = ask("program na środę", "2023-11-29 10:00").reply.plain_text
    assert wednesday.count("(godzina orientacyjna)") == 1  # the one provisional session of that day
    visit = ask("kiedy jest wieczorne spotkanie?", "2023-11-29 10:00").reply.plain_text
    assert "19:00–21:00 (godzina orientacyjna)" in visit


def test_confirmed_times_are_not_marked(ask: Ask) -> None:
    answer = ask("kiedy jest wizyta na Kozłówce?", "2023-11-29 10:00")
    text = answer.reply.plain_text
    assert "15:00–16:30" in text
    assert "orientacyjna" not in text.split("\n")[1]
    assert "do potwierdzenia" in text  # the meeting point is unknown


def test_dates_are_polish(ask: Ask) -> None:
    text = ask("program na jutro", "2023-11-29 10:00").reply.plain_text
    assert "Czwartek, 30 listopada (jutro)" in text


def test_venue_sends_an_approximate_location(ask: Ask) -> None:
    answer = ask("jak dojechać na Zabłocie?")
    assert answer.intent is Intent.VENUE
    location = answer.reply.location
    assert location is not None and location.approximate
    assert location.address == "ul. Zabłocie 22, 30-001 Kraków"
    assert "przybliżona" in answer.reply.plain_text


def test_unknown_facts_are_not_invented(ask: Ask) -> None:
    text = ask("czy jest parking?").reply.plain_text
    assert "parking" in text.lower() and "do potwierdzenia" in text.lower()  # "… Do potwierdzenia."


def test_fallback_offers_what_it_can_answer(ask: Ask) -> None:
    answer = ask("jaka jest stolica Peru?")
    assert answer.intent is Intent.FALLBACK
    assert "Nie mam pewności" in answer.reply.plain_text
    assert answer.reply.suggestions


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("jaka będzie pogoda w sobotę w Zakopanem?", "Nie mam prognozy pogody"),
        ("kto wygrał wczoraj mecz w Zakopanem?", "Nie śledzę wyników sportowych"),
    ],
)
def test_the_weather_and_matches_are_not_known_whatever_day_they_name(
    ask: Ask, question: str, said: str
) -> None:
    answer = ask(question, "2023-11-30 12:00")
    assert answer.intent is Intent.FALLBACK
    assert said in answer.reply.plain_text and answer.reply.suggestions
    assert "Rejestracja" not in answer.reply.plain_text  # no day's programme instead


def test_user_text_is_never_marked_up(ask: Ask) -> None:
    answer = ask("<b>co</b> & <script>alert(1)</script> jest teraz?", "2023-11-29 15:10")
    for line in answer.reply.lines:
        for span in line:
            assert "<script>" not in span.text


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "😀😀😀",
        "🙂",
        "!!!???",
        "\x00\x01",
        "a" * 10_000,
        "<b>" * 500,
        "ą" * 3000,
        "co jest teraz " * 400,
    ],
)
def test_odd_messages_get_a_polite_reply(ask: Ask, message: str) -> None:
    answer = ask(message)
    assert answer.reply.plain_text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_an_answer(shared_assistant: tuple[Assistant, FixedClock], text: str) -> None:
    assistant, _clock = shared_assistant
    answer = assistant.ask(text)
    assert isinstance(answer.intent, Intent)
    assert answer.reply.lines


def test_links_are_spans_not_markup(ask: Ask) -> None:
    answer = ask("kontakt")
    styles = {span.style for line in answer.reply.lines for span in line}
    assert Style.LINK in styles
    text = answer.reply.plain_text
    assert "506 067 255" in text and "promocja@bis-krakow.pl" in text


def test_suggestions_are_short_enough_for_buttons(ask: Ask) -> None:
    for question in ("co jest teraz", "jakie są wizyty", "jak dojechać", "kontakt", "cześć", "xyz"):
        for suggestion in ask(question, "2023-11-29 14:00").reply.suggestions:
            assert 0 < len(suggestion.label) <= 30
            assert len(suggestion.question.encode()) <= 200


def test_reminder_requests_are_understood(ask: Ask) -> None:
    answer = ask("przypominaj mi 10 minut przed")
    assert answer.intent is Intent.REMINDERS
    assert "10 minut" in answer.reply.plain_text
    off = ask("wyłącz przypomnienia")
    assert off.intent is Intent.REMINDERS and "wyłączyć" in off.reply.plain_text


@pytest.mark.parametrize(
    "question",
    [
        "co jest teraz",
        "co dalej",
        "program",
        "jakie są wizyty",
        "jak dojechać",
        "kontakt",
        "kto organizuje",
        "o konferencji",
        "cześć",
        "pomoc",
        "xyz qwe",
        "gdzie jest Nad Potokiem",
        "co robi MOPS",
    ],
)
def test_every_suggestion_is_understood_when_tapped(ask: Ask, question: str) -> None:
    for suggestion in ask(question, "2023-11-29 14:00").reply.suggestions:
        followed = ask(suggestion.question, "2023-11-29 14:00")
        assert followed.intent is not Intent.FALLBACK, suggestion
        if suggestion.question.startswith("Wizyta studyjna"):
            assert followed.intent is Intent.VISIT


def test_answers_are_remembered_for_the_minute_only(conference: Conference) -> None:
    clock = FixedClock(parse_now("2023-11-29 14:59", conference.tz))
    assistant = Assistant(conference, clock)
    before = assistant.ask("co jest teraz?")
    clock.moment += timedelta(seconds=30)
    assert assistant.ask("co jest teraz?") is before  # same minute: the same answer object
    clock.moment += timedelta(seconds=40)  # 15:00:10, the visits have started
    after = assistant.ask("co jest teraz?")
    assert after is not before and after.reply != before.reply
    assert "Nad Potokiem" in after.reply.plain_text


def test_cache_can_be_turned_off(conference: Conference) -> None:
    clock = FixedClock(parse_now("2023-11-29 14:00", conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    assert assistant.ask("co dalej?") is not assistant.ask("co dalej?")
