"""A core `Reply` as Telegram HTML messages: escaped, split under the length limit, with buttons."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.polish import short_label
from bot.reply import Line, Reply, Span, Style
from handlers.telegram.callbacks import Action, CallbackCodec

MESSAGE_LIMIT = 4096  # Telegram's limit for one message's text
BUTTONS_PER_ROW = 2
BUTTON_LABEL_LIMIT = 40  # two buttons to a row on a phone: a longer label is cut by the app mid-word
_WORDS = re.compile(r"\S+\s*|\s+")


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def span_html(span: Span) -> str:
    """One span as HTML; its text is always escaped, whatever it contains."""
    text = html.escape(span.text, quote=False)
    if span.style is Style.BOLD:
        return f"<b>{text}</b>"
    if span.style is Style.ITALIC:
        return f"<i>{text}</i>"
    if span.style is Style.LINK and span.url:
        return f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
    return text


def _pieces(span: Span, limit: int) -> list[str]:
    """A span cut at word boundaries into HTML pieces of at most `limit` UTF-16 units each."""
    whole = span_html(span)
    if utf16_length(whole) <= limit:
        return [whole]
    overhead = utf16_length(span_html(Span("", span.style, span.url)))
    room = max(limit - overhead, 1)
    pieces: list[str] = []
    current = ""
    for word in _WORDS.findall(span.text):
        while utf16_length(html.escape(word, quote=False)) > room:  # a "word" longer than a message
            cut = room // 6 or 1  # "&quot;" is the longest escape: 6 characters for one
            head, word = word[:cut], word[cut:]
            if current:
                pieces.append(span_html(Span(current, span.style, span.url)))
                current = ""
            pieces.append(span_html(Span(head, span.style, span.url)))
        if utf16_length(html.escape(current + word, quote=False)) > room:
            pieces.append(span_html(Span(current, span.style, span.url)))
            current = ""
        current += word
    if current:
        pieces.append(span_html(Span(current, span.style, span.url)))
    return pieces


def line_pieces(line: Line, limit: int) -> list[str]:
    return [piece for span in line for piece in _pieces(span, limit)]


def split_html(lines: tuple[Line, ...], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of at most `limit` UTF-16 units, split between lines; a longer line between words."""
    chunks: list[str] = []
    current: list[str] = []  # rendered lines of the message being filled
    size = 0  # its length in UTF-16 units, newlines included
    for line in lines:
        pieces = line_pieces(line, limit)
        rendered = "".join(pieces)
        length = utf16_length(rendered)
        if size + (1 if current else 0) + length <= limit:
            size += (1 if current else 0) + length
            current.append(rendered)
            continue
        if "".join(current).strip():
            chunks.append("\n".join(current))
        current, size = [], 0
        for piece in pieces:  # the line alone is too long: fill messages piece by piece
            piece_length = utf16_length(piece)
            if size + piece_length > limit:
                chunks.append("".join(current))
                current, size = [], 0
            current.append(piece)
            size += piece_length
        current, size = ["".join(current)], size
    if "".join(current).strip():
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks] or [""]


def keyboard(reply: Reply, codec: CallbackCodec) -> InlineKeyboardMarkup | None:
    """Follow-up suggestions as callback buttons (two per row), links as URL buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    buttons = [
        InlineKeyboardButton(
            short_label(s.label, BUTTON_LABEL_LIMIT), callback_data=codec.encode(Action.ASK, s.question)
        )
        for s in reply.suggestions
    ]
    rows.extend(buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW))
    rows.extend([InlineKeyboardButton(f"🔗 {link.title}", url=link.url)] for link in reply.links)
    return InlineKeyboardMarkup(rows) if rows else None


def join_keyboards(*markups: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    rows = [list(row) for markup in markups if markup is not None for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(rows) if rows else None
