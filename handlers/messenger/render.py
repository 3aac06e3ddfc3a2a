"""A core `Reply` as Messenger messages: plain text under 2,000 characters, quick replies, map links.

Messenger shows no markup, so styles are dropped and links written out. It has no venue card:
a pin becomes a map link. Follow-ups become quick replies on the last message (at most 13,
titles at most 20 characters; the payload carries the whole question).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot import texts
from bot.polish import short_label
from bot.reply import Location, Reply, render_plain
from handlers.messenger import payloads

TEXT_LIMIT = 2000  # characters in one message's text
QUICK_REPLIES = 13
TITLE_LIMIT = 20
_WORDS = re.compile(r"\S+\s*|\s+")


def units(text: str) -> int:
    """Length as Messenger's clients count it (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _cut_word(word: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if units(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Messages of at most `limit` units, split between lines, else between words; nothing lost."""
    if units(text) <= limit:  # most replies: one message, and the loop below would agree
        return [text.strip("\n")] if text.strip() else [""]
    chunks: list[str] = []
    current = ""

    def push(piece: str, joiner: str) -> None:
        nonlocal current
        candidate = f"{current}{joiner}{piece}" if current else piece
        if units(candidate) <= limit:
            current = candidate
            return
        if current.strip():
            chunks.append(current)
        current = piece

    for line in text.split("\n"):
        if units(line) <= limit:
            push(line, "\n")
            continue
        first = True
        for word in _WORDS.findall(line):
            for piece in _cut_word(word, limit) if units(word) > limit else [word]:
                push(piece, "\n" if first else "")
                first = False
    if current.strip():
        chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks] or [""]


def map_link(pin: Location) -> str:
    """A link that opens the pin in the phone's map app."""
    return f"https://www.google.com/maps/search/?api=1&query={pin.latitude:.6f},{pin.longitude:.6f}"


def pin_text(pin: Location, said: str) -> str:
    """The pin as a map link; named unless the text above already names the place."""
    where = f"{pin.title}, {pin.address}" if pin.address else pin.title
    if pin.title and pin.title in said:
        where = "Na mapie"
    note = (
        f" ({texts.APPROXIMATE_PIN.lower()})" if pin.approximate and texts.APPROXIMATE_PIN not in said else ""
    )
    return f"📍 {where}{note}: {map_link(pin)}"


def title(label: str) -> str:
    """A quick reply's title: at most 20 characters, shortened at a word boundary with "…"."""
    return short_label(label, TITLE_LIMIT)


def quick_replies(reply: Reply, extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, str]]:
    """`extra` (label, payload) first (the plan button), then the reply's follow-ups; at most 13."""
    items = [*extra, *((s.label, payloads.ask(s.question)) for s in reply.suggestions)]
    return [
        {"content_type": "text", "title": title(label), "payload": payload}
        for label, payload in items[:QUICK_REPLIES]
    ]


def reply_text(reply: Reply) -> str:
    """The whole reply as plain text: lines, then links, then the pin as a map link."""
    said = render_plain(reply)
    parts = [said]
    # A link the text already shows ("Mapa (https://…)") is not repeated.
    parts.extend(f"🔗 {link.title}: {link.url}" for link in reply.links if link.url not in said)
    if reply.location is not None:
        parts.append(pin_text(reply.location, said))
    return "\n".join(p for p in parts if p)


def messages(reply: Reply, extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
    """The `message` objects to send, in order; quick replies ride on the last one."""
    chunks = split_text(reply_text(reply))
    out: list[dict[str, Any]] = [{"text": chunk} for chunk in chunks]
    replies = quick_replies(reply, extra)
    if replies:
        out[-1]["quick_replies"] = replies
    return out
