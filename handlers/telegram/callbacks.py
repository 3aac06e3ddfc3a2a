"""Button callback data under Telegram's 64-byte limit."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback_data
HASHED = "#"  # prefix of payloads kept in the table


class Action(StrEnum):
    ASK = "q"  # ask the assistant a question
    DAY = "d"  # show one day's programme (payload: day index)
    SESSION = "s"  # details of one session (payload: session id)
    FORGET = "f"  # delete my data, after confirming (payload: yes / no)
    ADMIN = "a"  # organisers: "send:<id>" / "cancel:<id>" an announcement
    PLAN = "p"  # my plan: "+id" add, "-id" remove, "ics" the calendar file


@dataclass(frozen=True, slots=True)
class Callback:
    action: Action
    payload: str


class CallbackCodec:
    """Short payloads travel in the button itself; long ones as a digest kept in a bounded table.

    Digests are deterministic, so an answer built again (after a restart, say) registers the
    same key; a button whose key is gone decodes to None and the caller falls back to its label.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._long: OrderedDict[str, Callback] = OrderedDict()

    def encode(self, action: Action, payload: str) -> str:
        data = f"{action.value}:{payload}"
        if len(data.encode()) <= CALLBACK_LIMIT:
            return data
        key = HASHED + hashlib.blake2b(data.encode(), digest_size=16).hexdigest()
        self._long[key] = Callback(action, payload)
        self._long.move_to_end(key)
        while len(self._long) > self.capacity:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> Callback | None:
        if data.startswith(HASHED):
            return self._long.get(data)
        code, sep, payload = data.partition(":")
        if not sep:
            return None
        try:
            return Callback(Action(code), payload)
        except ValueError:
            return None
