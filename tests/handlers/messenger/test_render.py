"""Replies as Messenger messages: the 2,000-character split, quick-reply limits, pins as map links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reply import Location, ReplyBuilder
from handlers.messenger.events import incoming
from handlers.messenger.payloads import Kind, Payload, decode
from handlers.messenger.render import (
    QUICK_REPLIES,
    TEXT_LIMIT,
    messages,
    quick_replies,
    split_text,
    title,
    units,
)

_TEXT = st.lists(
    st.sampled_from([*"abc ąęł\n😀–.", "słowo ", "\n\n", "x" * 300, "długie" * 500]), max_size=400
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_TEXT, st.integers(min_value=20, max_value=TEXT_LIMIT))
def test_split_keeps_the_limit_the_order_and_every_character(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert parts and all(units(p) <= limit for p in parts)
    squeeze = "".join(text.split())
    assert "".join("".join(parts).split()) == squeeze  # nothing lost, nothing reordered


def test_split_prefers_line_then_word_boundaries() -> None:
    lines = [f"Linia {i}: " + "słowo " * 30 for i in range(40)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(p.startswith("Linia ") for p in parts)  # every part starts at a line


def test_titles_fit_20_characters_cut_at_a_word() -> None:
    assert title("Co dalej?") == "Co dalej?"
    assert title("Centrum Integracji Międzykulturowej") == "Centrum Integracji…"
    assert len(title("x" * 50)) == 20
    assert all(len(title(t)) <= 20 for t in ("Program: środa, 29 listopada", "a " * 30))


def test_at_most_13_quick_replies_and_payloads_carry_the_whole_question() -> None:
    out = ReplyBuilder().line("x")
    for i in range(20):
        out.suggest(f"Pytanie numer {i} o bardzo długiej treści", f"pełne pytanie {i}")
    replies = quick_replies(out.build(), [("➕ Dodaj do planu", "PLAN:+a")])
    assert len(replies) == QUICK_REPLIES
    assert replies[0]["payload"] == "PLAN:+a"
    assert decode(replies[1]["payload"]) == Payload(Kind.ASK, "pełne pytanie 0")


def test_a_pin_is_a_map_link_and_quick_replies_ride_on_the_last_part() -> None:
    out = ReplyBuilder().line("Adres: ul. Przykładowa 1")
    out.location = Location(50.0481, 19.9574, "Klub", "ul. Przykładowa 1", approximate=True)
    out.suggest("Dalej", "co dalej")
    [message] = messages(out.build())
    assert "📍 Klub, ul. Przykładowa 1 (pinezka jest przybliżona): " in message["text"]
    assert "query=50.048100,19.957400" in message["text"]
    assert message["quick_replies"][0]["title"] == "Dalej"


def test_foreign_or_broken_payloads_decode_to_nothing() -> None:
    assert decode("GET_STARTED") is None and decode("XYZ:1") is None and decode("") is None
    assert decode("CMD:teraz") == Payload(Kind.CMD, "teraz")


def test_events_keep_text_payloads_and_attachments_and_drop_the_rest() -> None:
    body = {
        "object": "page",
        "entry": [
            {
                "messaging": [
                    {"sender": {"id": "1"}, "message": {"mid": "a", "text": "hej"}},
                    {"sender": {"id": "1"}, "message": {"mid": "b", "text": "x", "is_echo": True}},
                    {"sender": {"id": "1"}, "delivery": {"watermark": 1}},
                    {"sender": {"id": "1"}, "postback": {"payload": "CMD:start"}},
                    {"sender": {"id": 2}, "message": {"attachments": [{"type": "audio"}]}},
                    {"sender": {}, "message": {"text": "no sender"}},
                    "garbage",
                ]
            },
            "garbage",
        ],
    }
    events = incoming(body)
    assert [(e.sender, e.text, e.payload, e.other) for e in events] == [
        ("1", "hej", None, None),
        ("1", None, "CMD:start", None),
        ("2", None, None, "voice"),
    ]


def test_a_reply_that_fits_is_one_message_without_surrounding_blank_lines() -> None:
    assert split_text("\n\nPierwsza linia\n\n  druga\n") == ["Pierwsza linia\n\n  druga"]
    assert split_text(" \n ") == [""]
