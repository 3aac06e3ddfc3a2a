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
from typing import Any

from telegram import Bot, Update

logger = logging.getLogger(__name__)
ID_RANGE = 2**63  # Telegram's ids fit in a signed 64-bit integer

_USER = {
    "id": int,
    "is_bot": bool,
    "first_name": str,
    "last_name": str,
    "username": str,
    "language_code": str,
}
_CHAT = {"id": int, "type": str, "title": str, "username": str, "first_name": str, "last_name": str}
_MESSAGE = {
    "message_id": int,
    "message_thread_id": int,
    "date": int,
    "edit_date": int,
    "text": str,
    "caption": str,
    "media_group_id": str,
}
_CALLBACK = {"id": str, "data": str, "chat_instance": str, "inline_message_id": str}
_ENTITY = {"type": str, "offset": int, "length": int, "url": str, "language": str}
_BUTTON = {"text": str, "callback_data": str, "url": str}

# Each object is known by the key it is found under, wherever in the update that is.
_OBJECTS: Mapping[str, Mapping[str, type]] = {
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
_LISTS: Mapping[str, Mapping[str, type]] = {"entities": _ENTITY, "caption_entities": _ENTITY}


class Unreadable(ValueError):
    """Not an update our handlers can take; the message says where, never what it held."""


def _check_fields(value: Any, fields: Mapping[str, type], where: str) -> None:
    if not isinstance(value, dict):
        raise Unreadable(f"{where} is not an object")
    for name, kind in fields.items():
        if name not in value:
            continue
        field = value[name]
        # `type(…) is`: a bool is no number here, and an id must fit Telegram's 64 bits.
        out_of_range = isinstance(field, int) and not -ID_RANGE < field < ID_RANGE
        if type(field) is not kind or out_of_range:
            raise Unreadable(f"{where}.{name} is not {kind.__name__}")


def check_update(data: Any) -> None:
    """`Unreadable` unless every object our handlers read has the types Telegram gives it."""
    _check_fields(data, {"update_id": int}, "update")
    if "update_id" not in data:
        raise Unreadable("update.update_id is missing")
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
                _check_fields(value, _OBJECTS[key], key)
            elif key in _LISTS:
                if not isinstance(value, list):
                    raise Unreadable(f"{key} is not a list")
                for element in value:
                    _check_fields(element, _LISTS[key], f"{key}[]")
            elif key == "inline_keyboard":
                if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
                    raise Unreadable(f"{key} is not a list of rows")
                for row in value:
                    for button in row:
                        _check_fields(button, _BUTTON, f"{key}[][]")
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
