"""A user's message turned into tokens and lemma keys, ready for intent and entity matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lexicon import Lexicon
from bot.text import fold, fold_keep_times

_ORIGINAL_WORD = re.compile(r"[^\W_]+")
_MIXED = re.compile(r"(?=.*\d)(?=.*[a-z])[a-z0-9]+")
# Only after another letter: "hejjj" is "hej", but "CCC" (a name) stays.
_STRETCHED = re.compile(r"(?<=[^\W\d_])([^\W\d_])\1{2,}")
# "10:30", "3.13", "30.11": kept whole for the time parser, but a name may hold the numbers too
# ("Python 3.13"), and names are matched by their words.
NUMBERS = re.compile(r"\d+(?:[.:]\d+)+")


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str
    folded: str  # diacritics dropped, times like "10:30" kept whole
    tokens: tuple[str, ...]
    lemmas: frozenset[str]  # lemma keys of every token, plus the tokens themselves
    foreign_nouns: tuple[str, ...] = ()  # nouns we know nothing about ("apteka", "pogoda")
    words: tuple[frozenset[str], ...] = ()  # each token's lemma keys, in order

    def has(self, *lemmas: str) -> bool:
        return any(lemma in self.lemmas for lemma in lemmas)


def analyse(text: str, lexicon: Lexicon) -> Analysis:
    """Fold, tokenise and lemmatise one message."""
    # "Hejjj", "siemaaa": stretched letters carry no meaning.
    text = _STRETCHED.sub(r"\1", text)
    folded = fold_keep_times(text)
    written = _ORIGINAL_WORD.findall(text)
    originals = {fold(word): word for word in written}
    # Capitalised inside the sentence: a name as written, not a word to correct.
    names = {fold(word) for word in written[1:] if word[:1].isupper() and not word.isupper()}
    tokens = tuple(folded.split())
    lemmas: set[str] = set()
    foreign = []
    per_token = []
    for token in tokens:
        keys, is_foreign = lexicon.lookup(token, originals.get(token, token), token in names)
        per_token.append(keys)
        lemmas |= keys
        if NUMBERS.fullmatch(token):
            lemmas |= set(re.split(r"[.:]", token))
        if is_foreign:
            foreign.append(token)
    # "C04", "B2", "H.1308": the tokens split letters from digits, a room's name keeps them together.
    lemmas |= {fold(word) for word in _ORIGINAL_WORD.findall(text) if _MIXED.fullmatch(fold(word))}
    return Analysis(text, folded, tokens, frozenset(lemmas), tuple(foreign), tuple(per_token))
