"""Simple English questions (bot/understanding/english.py): read as Polish ones, answered in Polish
with one English line."""

from __future__ import annotations

import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.intents import Intent
from bot.loading import load_conference
from bot.understanding.english import LINE, to_polish
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("english", "polish"),
    [
        ("What's on now?", "co jest teraz?"),
        ("what is happening right now", "co jest teraz?"),
        ("What's next?", "co dalej?"),
        ("Where is the venue?", "gdzie jest konferencja?"),
        ("How do I get there?", "jak dojechać?"),
        ("When does Anna Nowak speak?", "kiedy występuje Anna Nowak?"),
        ("Who is speaking in Hall B?", "kto prowadzi sala B?"),  # read only by the bot
        ("What is on in room B on Saturday?", "co jest w B w sobotę?"),
        ("what's on at 3pm on sunday?", "co jest w niedzielę o 15:00?"),
        ("schedule for tomorrow", "program na jutro?"),
        ("When does the festival end?", "kiedy kończy się konferencja?"),
    ],
)
def test_english_questions_read_as_polish(english: str, polish: str) -> None:
    assert to_polish(english) == polish


@pytest.mark.parametrize(
    "text", ["co jest teraz?", "kiedy jest Opening Ceremony?", "Hatupangwingwi", "gdzie jest sala B"]
)
def test_polish_and_bare_titles_are_not_english(text: str) -> None:
    assert to_polish(text) is None


def test_answered_in_polish_with_one_english_line() -> None:
    conference = load_conference(ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml")
    assistant = Assistant(conference, FixedClock(parse_now("2031-08-01 23:00", conference.tz)), cache_size=0)
    answer = assistant.ask("What's on now?")
    assert answer.intent is Intent.NOW
    lines = answer.reply.plain_text.splitlines()
    assert lines[0] == LINE and "Wielki koncert nocny" in answer.reply.plain_text
    assert sum(line == LINE for line in lines) == 1


@pytest.mark.parametrize(
    ("english", "polish"),
    [
        ("Where is room Zero?", "gdzie jest sala Zero?"),
        ("what's next in Fuse?", "co dalej w Fuse?"),
        ("what workshops are there today?", "jakie są workshops dziś?"),
    ],
)
def test_rooms_and_kinds_in_english(english: str, polish: str) -> None:
    assert to_polish(english) == polish


def test_venue_words_are_read_as_polish_names() -> None:
    conference = load_conference(ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml")
    assistant = Assistant(conference, FixedClock(parse_now("2031-08-01 19:00", conference.tz)), cache_size=0)
    where = assistant.ask("Where is the small stage?").reply.plain_text
    assert "Mała Scena" in where and "przy wejściu od strony parkingu" in where
    tonight = assistant.ask("What is on the big stage tonight?").reply.plain_text
    assert "Wielki koncert nocny" in tonight and "Nocny set DJ-a" not in tonight  # another stage


@pytest.mark.parametrize(
    ("english", "polish"),
    [
        ("Who is playing now?", "kto gra teraz?"),
        ("Where do I park?", "gdzie parking?"),
        ("What is on after the Kapela Spod Wierzby concert?", "co jest po Kapela Spod Wierzby koncert?"),
        ("what time is the night concert", "o której nocny koncert?"),
        ("How long is the festival?", "ile trwa festiwal?"),
    ],
)
def test_other_english_read_word_by_word(english: str, polish: str) -> None:
    """What the phrase rules do not cover is glossed word by word; names pass through."""
    assert to_polish(english) is None  # not by the rules: a title may be English too
    assert to_polish(english, gloss=True) == polish


@pytest.mark.parametrize(
    ("english", "expect"),
    [
        ("Who is playing now?", "Wielki koncert nocny"),
        ("What is on after the Kapela Spod Wierzby concert?", "Wielki koncert nocny"),
        ("what time is the night concert", "22:10"),
        ("What time does the festival start?", "16:00"),
        ("What's on the big stage after 22?", "Wielki koncert nocny"),
    ],
)
def test_glossed_english_answered(english: str, expect: str) -> None:
    conference = load_conference(ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml")
    assistant = Assistant(conference, FixedClock(parse_now("2031-08-01 22:30", conference.tz)), cache_size=0)
    answer = assistant.ask(english)
    assert expect in answer.reply.plain_text and answer.intent is not Intent.FALLBACK
