"""Request bodies from the internet: read under a size cap and a time limit, decoded as plain JSON.

Starlette's `request.body()` buffers the whole body, chunked or not, before anyone can look at
its size; here the bytes are counted as they arrive and reading stops at the cap, so a 300 MB
upload costs at most the cap. A refusal closes the connection: what the client has not sent yet
is then never read.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from http import HTTPStatus
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response

MAX_BODY = 1_000_000  # bytes; Telegram's updates and Meta's batches are far smaller
BODY_SECONDS = 10.0  # a client that has not sent its whole body by then is cut off
# JSON may spell these in \u escapes; no text we store or send may contain them
# (PostgreSQL refuses NUL, UTF-8 cannot encode a lone surrogate).
_UNSENDABLE = re.compile("[\x00\ud800-\udfff]")


class BodyRefused(Exception):
    """The body cannot be read; `response` says why, and closes the connection."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    @property
    def response(self) -> Response:
        return refusal(self.status, self.reason)


def refusal(status: HTTPStatus, text: str) -> Response:
    """An answer sent before the body was read: the connection closes, the rest is not read."""
    return PlainTextResponse(text, status_code=status, headers={"Connection": "close"})


async def read_body(request: Request, limit: int = MAX_BODY, seconds: float = BODY_SECONDS) -> bytes:
    """The whole body, at most `limit` bytes, sent within `seconds`; `BodyRefused` otherwise."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise BodyRefused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BodyRefused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too large")
                if chunk:
                    chunks.append(chunk)
    except TimeoutError:
        raise BodyRefused(HTTPStatus.REQUEST_TIMEOUT, "too slow") from None
    except ClientDisconnect:  # nobody is left to answer; the status is for the log only
        raise BodyRefused(HTTPStatus.BAD_REQUEST, "client gone") from None
    # Counted as it arrives even when a length was declared: the ASGI server decides the framing.
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("number out of range")
    return number


# Built once: json.loads with hooks builds a decoder per call (a fifth of a webhook's parsing).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)
# The escapes that can bring a NUL or a lone surrogate in (a false alarm only costs a cleaning;
# an escaped backslash before "u" is one). Hex digits may be either case.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89abcdefABCDEF])")


def parse_json(body: bytes) -> Any:
    """Plain JSON in UTF-8, or `ValueError`: also for NaN, 1e999, huge integers and deep nesting.

    NULs and lone surrogates in strings become U+FFFD, so any text that came in can be stored
    and sent on.
    """
    try:
        # UTF-8 only, strictly (RFC 8259): json.loads would also take UTF-16 and encoded surrogates.
        value = _DECODER.decode(body.decode("utf-8"))
    except RecursionError:  # [[[[…]]]] deeper than the interpreter's recursion limit
        raise ValueError("nested too deeply") from None
    # Strict UTF-8 has no lone surrogates and JSON no raw control characters: only a \u0000 or a
    # \uD800–\uDFFF escape can bring either in, so a body without one is clean as it is (Meta
    # escapes every Polish letter as \u0105 and the like; those need no cleaning).
    return _cleaned(value) if _RISKY_ESCAPE.search(body) else value


def _clean_text(text: str) -> str:
    return _UNSENDABLE.sub("\ufffd", text) if _UNSENDABLE.search(text) else text


def _cleaned(value: Any) -> Any:
    """`value` with every string (keys too) made sendable; iterative, as nesting can be deep."""
    if isinstance(value, str):
        return _clean_text(value)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            for index, element in enumerate(item):
                if isinstance(element, str):
                    item[index] = _clean_text(element)
                elif isinstance(element, list | dict):
                    stack.append(element)
        elif isinstance(item, dict):
            for key in [k for k in item if _UNSENDABLE.search(k)]:
                item[_clean_text(key)] = item.pop(key)
            for key, element in item.items():
                if isinstance(element, str):
                    item[key] = _clean_text(element)
                elif isinstance(element, list | dict):
                    stack.append(element)
    return value
