"""The webhook's JSON read into events: whatever shape it has, well-typed events or none."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.assistant import OtherMessage
from handlers.messenger.events import MAX_ID_DIGITS, MAX_MID, Incoming, incoming
from handlers.messenger.payloads import PAYLOAD_LIMIT
from tests.handlers.messenger.conftest import ANNA, attachment, envelope, postback, quick_reply, text

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["page", "7001", "", "9" * 40]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
REAL = [
    envelope(text(ANNA, "co jest teraz?"), postback("7002", "CMD:start")),
    envelope(quick_reply(ANNA, "Dziś", "DAY:0"), attachment(ANNA, "location")),
]
KEYS = ["object", "entry", "messaging", "sender", "id", "message", "text", "mid", "postback", "payload"]


@st.composite
def mutated_bodies(draw: st.DrawFn) -> Any:
    """A real body with values replaced anywhere by anything, and known keys put in odd places."""
    body = copy.deepcopy(draw(st.sampled_from(REAL)))
    for _ in range(draw(st.integers(1, 4))):
        node: Any = body
        while isinstance(node, dict | list) and node:
            key = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
            if isinstance(node[key], dict | list) and node[key] and draw(st.booleans()):
                node = node[key]
                continue
            node[key] = draw(json_values)
            if isinstance(node, dict) and draw(st.booleans()):
                node[draw(st.sampled_from(KEYS))] = draw(json_values)
            break
    return body


def assert_well_typed(event: Incoming) -> None:
    assert isinstance(event, Incoming)
    assert isinstance(event.sender, str) and event.sender.isdigit() and len(event.sender) <= MAX_ID_DIGITS
    assert event.text is None or isinstance(event.text, str)
    assert event.payload is None or (isinstance(event.payload, str) and len(event.payload) <= PAYLOAD_LIMIT)
    assert event.other is None or isinstance(event.other, OtherMessage)
    assert event.mid is None or (isinstance(event.mid, str) and 0 < len(event.mid) <= MAX_MID)
    assert [event.text, event.payload, event.other].count(None) == 2  # exactly one of them


@given(st.one_of(json_values, mutated_bodies()))
@settings(max_examples=300, deadline=None)
def test_any_json_gives_well_typed_events_or_none(body: Any) -> None:
    for event in incoming(body):
        assert_well_typed(event)


def _one(item: dict[str, Any]) -> list[Incoming]:
    return incoming({"object": "page", "entry": [{"messaging": [item]}]})


@pytest.mark.parametrize(
    "body",
    [
        {"object": "page", "entry": 5},
        {"object": "page", "entry": "abc"},
        {"object": "page", "entry": [{"messaging": "abc"}]},
        {"object": "page", "entry": [{"messaging": 5}]},
        {"object": "page", "entry": [{"messaging": {"sender": {"id": "1"}, "message": {"text": "x"}}}]},
    ],
)
def test_entries_and_messaging_that_are_not_lists_give_nothing(body: dict[str, Any]) -> None:
    assert incoming(body) == []


@pytest.mark.parametrize(
    "sender",
    [
        {"id": []},
        {"id": True},
        {"id": 0},
        {"id": -5},
        {"id": 10**40},
        {"id": "1" * 33},
        {"id": "12a"},
        {"id": "٣"},
    ],
)
def test_ids_that_cannot_be_page_scoped_ids_give_nothing(sender: dict[str, Any]) -> None:
    assert _one({"sender": sender, "message": {"text": "hej"}}) == []


def test_numeric_ids_are_read_as_strings() -> None:
    [event] = _one({"sender": {"id": 7003}, "message": {"text": "hej"}})
    assert event.sender == "7003"


def test_payloads_and_message_ids_we_could_not_have_made_are_not_kept() -> None:
    [event] = _one({"sender": {"id": "1"}, "postback": {"payload": "DAY:" + "9" * 5000, "mid": "m" * 10_000}})
    assert event.payload == "" and event.mid is None  # "": answered with the help
    [event] = _one({"sender": {"id": "1"}, "postback": {"payload": 5}})
    assert event.payload == ""
