"""What a reader makes of one value: plain text, ids, kinds, durations, moments, languages.

Shared by every format in bot/formats (and re-exported by bot/formats/programme.py).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from typing import Any

MAX_ID = 60  # schema.Id
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Kinds beyond the built-in ones that programmes often have, with their Polish names.
EXTRA_KINDS: dict[str, dict[str, Any]] = {
    "panel": {"id": "panel", "name": "panel", "plural": "panele", "aliases": ["dyskusja panelowa", "debata"]},
    "koncert": {"id": "koncert", "name": "koncert", "plural": "koncerty", "aliases": ["występ muzyczny"]},
    "film": {"id": "film", "name": "film", "plural": "filmy", "aliases": ["pokaz filmu", "projekcja"]},
    "meetup": {"id": "meetup", "name": "spotkanie", "plural": "spotkania", "aliases": ["meetup"]},
    "wystep": {"id": "wystep", "name": "występ", "plural": "występy", "aliases": ["performance", "spektakl"]},
}
BUILTIN_KINDS = ("session", "plenary", "workshop", "visit", "break", "registration", "social")

# A source's session type (folded: lower case, no diacritics) → kind; the first rule that matches wins.
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("break", r"\b(break|coffee|kawa|przerwa|lunch|obiad|dinner|kolacja|pause|pausa|receso|snack)\b"),
        ("registration", r"\b(registration|rejestracja|registro|check-?in|anmeldung|einlass)\b"),
        ("plenary", r"keynote|plenar|plenum|\bopening\b|\bclosing\b|ceremony|otwarcie|zamkniecie|inaugura"),
        ("workshop", r"workshop|warsztat|hands-?on|tutorial|taller|werkstatt"),
        ("panel", r"panel|podium|discussion|dyskusj|debat"),
        ("koncert", r"concert|konzert|koncert|\bgig\b|live music"),
        ("film", r"\bfilm|movie|screening|\bkino\b|cinema"),
        ("wystep", r"performance|theat|teatr|spektakl|wystep"),
        ("meetup", r"meet-?up|meeting|spotkanie|\bbof\b|\bassembly\b"),
        ("social", r"party|social|networking|impreza|integracja|get-?together|reception"),
        ("visit", r"\b(visit|wizyta|tour|excursion|wycieczka)\b"),
        (
            "session",
            r"talk|lecture|vortrag|presentation|prezentacja|wyklad|referat|session|sesja|charla|"
            r"ponencia|lightning|^other$|^sonstiges$|^inne$|^$",
        ),
    )
)

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "þ": "th"})
_NOT_ID = re.compile(r"[^a-z0-9_-]+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HTML_TAG = re.compile(
    r"</?(p|br|a|b|i|em|strong|ul|ol|li|div|span|h[1-6]|code|pre|blockquote|img|table|tr|td|th|hr|u|s|"
    r"sup|sub|small|font|center|dl|dt|dd|script|style)\b[^>]*>",
    re.I,
)
_MARKUP = re.compile(r"[<&*_`\[#>]")  # a text without these has no HTML or Markdown to take out
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_LINE = re.compile(r"^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?)", re.M)


def fold(text: str) -> str:
    """Lower case without diacritics: "Łódź Wykład" → "lodz wyklad"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    """An id from any text: "Saal 1" → "saal-1", "Łukasz Żółć" → "lukasz-zolc" (may be empty)."""
    value = _NOT_ID.sub("-", fold(text)).strip("-_")
    return re.sub(r"-{2,}", "-", value)[:MAX_ID].rstrip("-_")


def kind_of(source_type: str | None) -> str | None:
    """A kind id for a source's session type ("Talk", "Workshop 60 Min", "Keynote"), None if unknown."""
    folded = " ".join(fold(source_type or "").split())
    for kind, pattern in _KIND_RULES:
        if pattern.search(folded):
            return kind
    return None


class _PlainText(HTMLParser):
    """HTML to text: block elements become line breaks, links keep their address."""

    _BLOCKS = frozenset({"p", "div", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre"})
    _BLOCKS |= frozenset({"blockquote", "table", "hr", "dl", "dt", "dd"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._href: list[str | None] = []
        self._link_start: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_start.append(len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self._href:
            href = self._href.pop()
            shown = "".join(self.parts[self._link_start.pop() :]).strip()
            if href and href.startswith(("http://", "https://")) and href not in shown:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(value: object, *, markup: bool = True) -> str | None:
    """Text as attendees should read it: HTML and Markdown removed (`markup`), whitespace tidied.

    Paragraphs stay (one blank line between them); control characters, CRLF and indentation go.
    None for nothing but whitespace.
    """
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.strip() for line in text.split("\n"))  # indented XML text, before Markdown
    if markup and _MARKUP.search(text):
        if _HTML_TAG.search(text):
            parser = _PlainText()
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        elif _ENTITY.search(text):
            text = unescape(text)
        text = _MD_IMAGE.sub(r"\1", text)
        text = _MD_LINK.sub(
            lambda m: m.group(1) if m.group(2) in m.group(1) else f"{m.group(1)} ({m.group(2)})", text
        )
        text = _MD_STRONG.sub(r"\2", text)
        text = _MD_EMPHASIS.sub(r"\1", text)
        text = _MD_CODE.sub(r"\1", text)
        text = _MD_LINE.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\t", " "))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def join_texts(*parts: str | None) -> str | None:
    """Non-empty texts as paragraphs, each once (an abstract repeated as the description is kept once)."""
    seen: list[str] = []
    for part in parts:
        if part and not any(part in earlier for earlier in seen):
            seen = [earlier for earlier in seen if earlier not in part] + [part]
    return "\n\n".join(seen) or None


def web_url(value: object) -> str | None:
    """An http(s) address, else None (a relative path or a urn: means nothing to an attendee)."""
    text = str(value).strip() if isinstance(value, str) else ""
    return text if text.startswith(("http://", "https://")) else None


def languages(value: object) -> str | None:
    """ "de, en", "DE/en", ["de", "en"] → "de, en"; None when empty."""
    items = value if isinstance(value, list) else re.split(r"[,;/\s]+", str(value or ""))
    codes = [str(item).strip().lower() for item in items if str(item).strip()]
    return ", ".join(dict.fromkeys(codes)) or None


def parse_duration(text: str) -> timedelta | None:
    """ "1:30", "01:30", "0:45:30", "90" (minutes) → timedelta; None if it is no duration."""
    match = re.fullmatch(r"\s*(\d{1,3}):([0-5]\d)(?::([0-5]\d))?\s*", text)
    if match:
        hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if re.fullmatch(r"\s*\d{1,5}\s*", text):
        return timedelta(minutes=int(text))
    return None


def parse_datetime(text: str) -> datetime | None:
    """ISO 8601 date and time, with an offset, "Z" or none; None if it is not one (or impossible)."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """ "2025-12-27" (or the date of an ISO date and time) → date; None if it is not one."""
    value = text.strip()
    match = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|[T ])", value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None
