"""An update posted to our webhook, read into PTB's `Update` only if our handlers can rely on it.

PTB builds its objects from whatever JSON it is given without checking types: `{"message": 5}`
raises AttributeError deep inside it, and `"text": 5` or `"chat": {"id": [1]}` go through and
crash a handler later. So the fields the handlers (and PTB's own filters) read are checked here
first, wherever the objects holding them appear, and PTB's parsing is then tried as a whole.
Telegram sends only well-formed updates; anything else is dropped with one line in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update

logger = logging.getLogger(__name__)
ID_RANGE = 2**63  # Telegram's ids fit in a signed 64-bit integer
CALLBACK_DATA = 64  # bytes: Telegram's limit for a button's callback data


@dataclass(frozen=True, slots=True)
class _Shape:
    fields: Mapping[str, type]  # the type of each field, where present
    required: frozenset[str] = frozenset()  # the fields Telegram always sends


_USER = _Shape(
    {"id": int, "is_bot": bool, "first_name": str, "last_name": str, "username": str, "language_code": str},
    frozenset({"id", "is_bot", "first_name"}),
)
_CHAT = _Shape(
    {"id": int, "type": str, "title": str, "username": str, "first_name": str, "last_name": str},
    frozenset({"id", "type"}),
)
_MESSAGE = _Shape(
    {
        "message_id": int,
        "message_thread_id": int,
        "date": int,
        "edit_date": int,
        "text": str,
        "caption": str,
        "media_group_id": str,
    },
    frozenset({"message_id", "date", "chat"}),
)
_CALLBACK = _Shape(
    {"id": str, "data": str, "chat_instance": str, "inline_message_id": str}, frozenset({"id", "from"})
)
_ENTITY = _Shape(
    {"type": str, "offset": int, "length": int, "url": str, "language": str},
    frozenset({"type", "offset", "length"}),
)
_BUTTON = _Shape({"text": str, "callback_data": str, "url": str}, frozenset({"text"}))

# Each object is known by the key it is found under, wherever in the update that is.
_OBJECTS: Mapping[str, _Shape] = {
    "from": _USER,
    "user": _USER,
    "via_bot": _USER,
    "forward_from": _USER,
    "chat": _CHAT,
    "sender_chat": _CHAT,
    "forward_from_chat": _CHAT,
    "message": _MESSAGE,
    "edited_message": _MESSAGE,
    "channel_post": _MESSAGE,
    "edited_channel_post": _MESSAGE,
    "business_message": _MESSAGE,
    "edited_business_message": _MESSAGE,
    "reply_to_message": _MESSAGE,
    "pinned_message": _MESSAGE,
    "callback_query": _CALLBACK,
}
_ENTITIES = {"entities": "text", "caption_entities": "caption"}  # the list, and the text it marks up


class Unreadable(ValueError):
    """Not an update our handlers can take; the message says where, never what it held."""


def _check(value: Any, shape: _Shape, where: str) -> None:
    if not isinstance(value, dict):
        raise Unreadable(f"{where} is not an object")
    missing = shape.required - value.keys()
    if missing:
        raise Unreadable(f"{where}.{min(missing)} is missing")
    for name, kind in shape.fields.items():
        if name not in value:
            continue
        field = value[name]
        # `type(…) is`: a bool is no number here, and an id must fit Telegram's 64 bits.
        out_of_range = isinstance(field, int) and not -ID_RANGE < field < ID_RANGE
        if type(field) is not kind or out_of_range:
            raise Unreadable(f"{where}.{name} is not {kind.__name__}")


def _check_entities(holder: dict[str, Any], key: str) -> None:
    """Entities lie inside their text (offsets count UTF-16 units); a command starts with "/"."""
    entities, text = holder[key], holder.get(_ENTITIES[key])
    if not isinstance(entities, list):
        raise Unreadable(f"{key} is not a list")
    if entities and not isinstance(text, str):
        raise Unreadable(f"{key} without their text")
    units = text.encode("utf-16-le") if isinstance(text, str) else b""
    for entity in entities:
        _check(entity, _ENTITY, f"{key}[]")
        start, length = entity["offset"], entity["length"]
        if start < 0 or length < 1 or 2 * (start + length) > len(units):
            raise Unreadable(f"{key}[] outside the text")
        marked = units[2 * start : 2 * (start + length)].decode("utf-16-le", "replace")
        if entity["type"] == "bot_command" and not marked.startswith("/"):
            raise Unreadable(f"{key}[] is a command without /")


def _check_callback(query: dict[str, Any]) -> None:
    data = query.get("data")
    if isinstance(data, str) and len(data.encode()) > CALLBACK_DATA:
        raise Unreadable(f"callback_query.data over {CALLBACK_DATA} bytes")


def check_update(data: Any) -> None:
    """`Unreadable` unless every object our handlers read is as Telegram would send it."""
    _check(data, _Shape({"update_id": int}, frozenset({"update_id"})), "update")
    stack: list[Any] = [data]
    while stack:  # iterative: the nesting may be deep
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            # Only our own names go into the message: the JSON's keys are anyone's text.
            if key in _OBJECTS:
                _check(value, _OBJECTS[key], key)
                if key == "callback_query":
                    _check_callback(value)
            elif key in _ENTITIES:
                _check_entities(item, key)
            elif key == "inline_keyboard":
                if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
                    raise Unreadable(f"{key} is not a list of rows")
                for row in value:
                    for button in row:
                        _check(button, _BUTTON, f"{key}[][]")
            if isinstance(value, dict | list):
                stack.append(value)


def read_update(data: Any, bot: Bot) -> Update | None:
    """The update, or None (logged in one line, without contents) if it is not one we can take."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    try:
        check_update(data)
        # PTB raises whatever its constructors raise on odd input (AttributeError, TypeError,
        # ValueError, OverflowError…); none of it is ours to handle beyond dropping the update.
        return Update.de_json(data, bot)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, Unreadable) else type(exc).__name__
        shown = update_id if type(update_id) is int else "?"
        logger.warning("Telegram webhook: update %s unreadable (%s), dropped", shown, reason)
        return None
