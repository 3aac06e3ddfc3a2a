"""The webhook's JSON as the few things we act on: a text, a payload, an attachment.

Echoes of our own messages, delivery and read receipts, and anything not from a page are
dropped here, so the rest of the channel never sees them. The body is anyone's JSON (a signature
proves only who sent it, not what shape it has): whatever it holds, this yields well-typed events
or none, and never raises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.assistant import OtherMessage
from handlers.messenger.payloads import PAYLOAD_LIMIT

MAX_ID_DIGITS = 32  # page-scoped ids are numbers of about 16 digits, sent as strings
MAX_MID = 256  # Meta's message ids are about 100 characters; longer ones are not kept to dedupe


@dataclass(frozen=True, slots=True)
class Incoming:
    sender: str  # the page-scoped id (PSID) of the person writing
    text: str | None = None  # a message typed by the person
    payload: str | None = None  # a quick reply tapped, or a postback (Get Started, the menu)
    other: OtherMessage | None = None  # an attachment instead of text
    mid: str | None = None  # Meta's message id, to drop a redelivered webhook
    timestamp: int | None = None  # Meta's milliseconds, for events without a message id

    @property
    def key(self) -> str | None:
        """What identifies this event across redeliveries: the message id, or for an event without
        one (an older postback) who sent what when; None when nothing does."""
        if self.mid is not None:
            return self.mid
        if self.timestamp is None:
            return None
        what = f"{self.text}\x00{self.payload}\x00{self.other}".encode()
        return f"{self.sender}:{self.timestamp}:{hashlib.sha256(what).hexdigest()[:16]}"


def _attachment_kind(attachments: list[Any]) -> OtherMessage:
    kinds = [a.get("type") for a in attachments if isinstance(a, dict)]
    payload = next((a.get("payload") for a in attachments if isinstance(a, dict)), None)
    if "location" in kinds:
        return OtherMessage.LOCATION
    if isinstance(payload, dict) and payload.get("sticker_id") is not None:
        return OtherMessage.STICKER  # Messenger sends stickers (the thumbs-up too) as images
    if "audio" in kinds:
        return OtherMessage.VOICE
    return OtherMessage.MEDIA


def _sender(item: dict[str, Any]) -> str | None:
    """The writer's id as digits, or None for anything that cannot be a page-scoped id."""
    sender = item.get("sender")
    psid = sender.get("id") if isinstance(sender, dict) else None
    if isinstance(psid, int) and not isinstance(psid, bool) and 0 < psid < 10**MAX_ID_DIGITS:
        return str(psid)
    if isinstance(psid, str) and psid.isascii() and psid.isdigit() and len(psid) <= MAX_ID_DIGITS:
        return psid
    return None


def _mid(container: dict[str, Any]) -> str | None:
    mid = container.get("mid")
    return mid if isinstance(mid, str) and 0 < len(mid) <= MAX_MID else None


def _timestamp(item: dict[str, Any]) -> int | None:
    stamp = item.get("timestamp")
    return stamp if type(stamp) is int and 0 < stamp < 2**63 else None


def _payload(value: Any) -> str:
    """A payload we could have made (a string of at most 1,000 characters), else "" (the help)."""
    return value if isinstance(value, str) and len(value) <= PAYLOAD_LIMIT else ""


def _event(item: Any) -> Incoming | None:
    if not isinstance(item, dict):
        return None
    sender = _sender(item)
    if sender is None:
        return None
    stamp = _timestamp(item)
    message = item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None  # our own message, reported back
        mid = _mid(message)
        quick = message.get("quick_reply")
        if isinstance(quick, dict) and isinstance(quick.get("payload"), str):
            return Incoming(sender, payload=_payload(quick["payload"]), mid=mid, timestamp=stamp)
        text = message.get("text")
        if isinstance(text, str):
            return Incoming(sender, text=text, mid=mid, timestamp=stamp)
        attachments = message.get("attachments")
        if isinstance(attachments, list) and attachments:
            return Incoming(sender, other=_attachment_kind(attachments), mid=mid, timestamp=stamp)
        return Incoming(sender, other=OtherMessage.MEDIA, mid=mid, timestamp=stamp)
    postback = item.get("postback")
    if isinstance(postback, dict):
        payload = _payload(postback.get("payload"))
        return Incoming(sender, payload=payload, mid=_mid(postback), timestamp=stamp)
    return None  # delivery, read, reaction, optin…: nothing to answer


def incoming(body: Any) -> list[Incoming]:
    """Every event worth answering in a webhook call, in order."""
    if not isinstance(body, dict) or body.get("object") != "page":
        return []
    events: list[Incoming] = []
    for entry in _list(body.get("entry")):
        if isinstance(entry, dict):
            for item in _list(entry.get("messaging")):
                event = _event(item)
                if event is not None:
                    events.append(event)
    return events


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
