"""Reading a request body under a cap and a time limit, and decoding it as plain JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.types import Message

from handlers.body import BodyRefused, parse_json, read_body, refusal


class Stream:
    """An ASGI `receive` that hands out body chunks and counts how many were taken."""

    def __init__(self, chunks: Iterator[bytes], stall: float = 0.0, disconnect: bool = False) -> None:
        self.chunks = chunks
        self.stall = stall
        self.disconnect = disconnect
        self.taken = 0

    async def __call__(self) -> Message:
        chunk = next(self.chunks, None)
        if chunk is None:
            if self.stall:
                await asyncio.sleep(self.stall)
            if self.disconnect:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": b"", "more_body": False}
        self.taken += 1
        return {"type": "http.request", "body": chunk, "more_body": True}


def request(stream: Stream, headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "POST", "headers": raw}, stream)


def endless(size: int = 64 * 1024) -> Iterator[bytes]:
    chunk = b"x" * size
    while True:
        yield chunk


async def test_a_body_under_the_cap_is_read_whole() -> None:
    parts = [b'{"a": ', b"1", b"}"]
    assert await read_body(request(Stream(iter(parts))), limit=100) == b'{"a": 1}'


async def test_a_body_of_exactly_the_cap_is_read() -> None:
    assert await read_body(request(Stream(iter([b"x" * 50, b"x" * 50]))), limit=100) == b"x" * 100


async def test_an_endless_body_is_refused_once_it_passes_the_cap() -> None:
    stream = Stream(endless())
    with pytest.raises(BodyRefused) as refused:
        await read_body(request(stream), limit=1_000_000)
    assert refused.value.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert stream.taken == 1_000_000 // (64 * 1024) + 1  # not one chunk more than needed


async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    stream = Stream(endless())
    with pytest.raises(BodyRefused) as refused:
        await read_body(request(stream, {"Content-Length": "300000000"}), limit=1_000_000)
    assert refused.value.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert stream.taken == 0


async def test_a_body_that_never_finishes_is_cut_off() -> None:
    stream = Stream(iter([b"{"]), stall=5)
    with pytest.raises(BodyRefused) as refused:
        await read_body(request(stream), seconds=0.1)
    assert refused.value.status == HTTPStatus.REQUEST_TIMEOUT


async def test_a_client_that_leaves_mid_body_is_refused_not_raised() -> None:
    with pytest.raises(BodyRefused):
        await read_body(request(Stream(iter([b"{"]), disconnect=True)))


def test_a_refusal_closes_the_connection() -> None:
    response = refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
    assert response.status_code == 413 and response.headers["connection"] == "close"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1_000_000,  # a nesting bomb: RecursionError inside json
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"1" * 100_000,  # past Python's limit on digits in an int
        b'{"update_id": ' + b"9" * 5000 + b"}",
        b"1e999999",  # a float that overflows to inf
        b"-1e999",
        b"NaN",
        b"[Infinity]",
        b'"\xff\xfe"',  # not UTF-8
        b'"\xed\xa0\x80"',  # a surrogate encoded in UTF-8 (json.loads alone takes it)
        '{"a": 1}'.encode("utf-16"),  # json.loads alone takes UTF-16 too
        b'\xef\xbb\xbf{"a": 1}',  # a byte order mark
        b"\xc3\x28",
        b"",
        b"{not json",
        b"\x00",
    ],
)
def test_anything_but_plain_json_is_a_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_json(body)


def test_nul_and_lone_surrogates_become_replacement_characters_everywhere() -> None:
    body = rb'{"a\u0000": ["x\ud800y", {"k": "\udfff"}], "ok": "\ud83d\ude00", "n": 1.5}'
    assert parse_json(body) == {"a\ufffd": ["x\ufffdy", {"k": "\ufffd"}], "ok": "😀", "n": 1.5}
    assert parse_json(rb'"\u0000"') == "\ufffd"
    deep = b'{"a": ' * 500 + rb'"\u0000"' + b"}" * 500  # deep, but within json's own limit
    value = parse_json(deep)
    for _ in range(500):
        value = value["a"]
    assert value == "\ufffd"


def test_escapes_in_either_case_are_caught_and_harmless_ones_left_alone() -> None:
    assert parse_json(rb'["\uD800", "\uDBFF\u0105", "\uDc00"]') == ["\ufffd", "\ufffd\u0105", "\ufffd"]
    # Polish letters as Meta escapes them, an escaped backslash before "u0000": kept as they were.
    assert parse_json(rb'{"t": "Zab\u0142ocie \u017c\u00f3\u0142w"}') == {"t": "Zabłocie żółw"}
    assert parse_json(rb'"a\\u0000b"') == "a\\u0000b"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for element in value:
            yield from _texts(element)
    elif isinstance(value, dict):
        for key, element in value.items():
            yield key
            yield from _texts(element)


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_plain_json_comes_back_as_it_was_and_is_always_encodable(value: Any) -> None:
    parsed = parse_json(json.dumps(value).encode())
    for text in _texts(parsed):
        text.encode("utf-8")  # no lone surrogate: it can be sent on
        assert "\x00" not in text  # no NUL: it can be stored
    if not any("\x00" in t or any("\ud800" <= c <= "\udfff" for c in t) for t in _texts(value)):
        assert parsed == value
