"""Normalisation of Polish text for matching: lower case, no diacritics, plain words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD_TABLE = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TOKEN = re.compile(r"[0-9]+(?:[:.][0-9]{2})?|[a-z]+")


def _plain_lower(text: str) -> str:
    """Lower case without diacritics ("Łódź" → "lodz")."""
    if text.isascii():  # most messages are typed without diacritics: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536)  # names, lemmas and titles fold the same words again and again
def fold(text: str) -> str:
    """Lower-case, drop diacritics and collapse everything but letters and digits to spaces."""
    return " ".join(_NON_WORD.split(_plain_lower(text))).strip()


def fold_keep_times(text: str) -> str:
    """Like `fold`, but keeps "10:30" / "10.30" / "30.11" together so times and dates survive."""
    return " ".join(_TOKEN.findall(_plain_lower(text)))


def words(text: str) -> list[str]:
    """Original-cased words of a text (diacritics kept), for morphological analysis."""
    return re.findall(r"\w+", text)
