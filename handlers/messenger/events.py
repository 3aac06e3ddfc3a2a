"""The webhook's JSON as the few things we act on: a text, a payload, an attachment.

Echoes of our own messages, delivery and read receipts, and anything not from a page are
dropped here, so the rest of the channel never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.assistant import OtherMessage


@dataclass(frozen=True, slots=True)
class Incoming:
    sender: str  # the page-scoped id (PSID) of the person writing
    text: str | None = None  # a message typed by the person
    payload: str | None = None  # a quick reply tapped, or a postback (Get Started, the menu)
    other: OtherMessage | None = None  # an attachment instead of text
    mid: str | None = None  # Meta's message id, to drop a redelivered webhook


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


def _event(item: Any) -> Incoming | None:
    if not isinstance(item, dict):
        return None
    sender = (item.get("sender") or {}).get("id") if isinstance(item.get("sender"), dict) else None
    if not isinstance(sender, str | int) or not str(sender):
        return None
    sender = str(sender)
    message = item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None  # our own message, reported back
        mid = message.get("mid") if isinstance(message.get("mid"), str) else None
        quick = message.get("quick_reply")
        if isinstance(quick, dict) and isinstance(quick.get("payload"), str):
            return Incoming(sender, payload=quick["payload"], mid=mid)
        text = message.get("text")
        if isinstance(text, str):
            return Incoming(sender, text=text, mid=mid)
        attachments = message.get("attachments")
        if isinstance(attachments, list) and attachments:
            return Incoming(sender, other=_attachment_kind(attachments), mid=mid)
        return Incoming(sender, other=OtherMessage.MEDIA, mid=mid)
    postback = item.get("postback")
    if isinstance(postback, dict):
        payload = postback.get("payload")
        mid = postback.get("mid") if isinstance(postback.get("mid"), str) else None
        return Incoming(sender, payload=payload if isinstance(payload, str) else "", mid=mid)
    return None  # delivery, read, reaction, optin…: nothing to answer


def incoming(body: Any) -> list[Incoming]:
    """Every event worth answering in a webhook call, in order."""
    if not isinstance(body, dict) or body.get("object") != "page":
        return []
    events: list[Incoming] = []
    for entry in body.get("entry") or []:
        if isinstance(entry, dict):
            for item in entry.get("messaging") or []:
                event = _event(item)
                if event is not None:
                    events.append(event)
    return events
