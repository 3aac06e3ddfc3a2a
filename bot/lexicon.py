"""Word → lemma lookup tolerant of missing diacritics, inflection and typos.

The vocabulary is closed: cue words of the intents plus every word of the event's names.
morfeusz2 generates all inflected forms of each lemma once; the forms are folded (no
diacritics), so "Kozłówce", "kozlowce" and "kozłówkę" all lead back to "kozlowka".
Words outside the vocabulary are analysed by morfeusz2 directly, and only if it does not
know them (a typo, or diacritics dropped) are they matched fuzzily against the vocabulary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import morfeusz2
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.text import fold

# Frequent words that must never be "corrected" into vocabulary words.
_NO_FUZZ = frozenset(
    """
    jest sa byl bedzie beda bylo byla jaki jaka jakie ktory ktora ktore ktorej ktorym
    gdzie kiedy jak czy co kto kogo komu czym mnie mam masz moze mozna trzeba prosze
    tego tej tym ten ta to te tam tu tutaj dla przez przy przed nad pod oraz albo lub
    ale jeszcze juz tylko bardzo dobrze mozesz chce chcialbym chcialabym wiem wiesz
    sie nie tak taki takie moj moja moje twoj nasz wasz jego jej ich nam wam was nas
    """.split()
)


@lru_cache(maxsize=1)
def morfeusz() -> morfeusz2.Morfeusz:
    """One shared morfeusz2 instance (its dictionary ships inside the wheel)."""
    return morfeusz2.Morfeusz(generate=True, expand_tags=False)


def lemma_key(lemma: str) -> str:
    """morfeusz2 lemma ("Potok:Sm1") to the folded key used everywhere ("potok")."""
    return fold(lemma.split(":", 1)[0])


# Parts of speech that can name a thing; verbs and gerunds would let "Zacięcie" match "zaczęło".
NAMING_TAGS = ("subst", "adj", "brev", "depr", "num", "burk", "adv")


@lru_cache(maxsize=50_000)  # a programme's titles repeat their words: each is analysed once
def analyse_lemmas(word: str, tags: tuple[str, ...] | None = None) -> frozenset[str]:
    """Lemmas morfeusz2 knows for `word` (only of parts of speech in `tags`, if given)."""
    found = set()
    for _start, _end, (_form, lemma, tag, *_rest) in morfeusz().analyse(word):
        if tag != "ign" and (tags is None or tag.split(":", 1)[0] in tags):
            found.add(lemma)
    return frozenset(found)


@lru_cache(maxsize=20_000)
def is_noun(word: str) -> bool:
    """Whether morfeusz2 reads `word` only as a common noun (no verb, name or function word).

    Proper names are left out: without diacritics "bedzie" reads as a form of the name "Beda".
    """
    readings = [
        (tag.split(":", 1)[0], names) for _s, _e, (_f, _l, tag, names, *_r) in morfeusz().analyse(word)
    ]
    common = ("nazwa_pospolita",)
    return bool(readings) and all(
        pos in ("subst", "depr") and all(n in common for n in names) for pos, names in readings
    )


_ENDINGS = ("ami", "ach", "owi", "em", "om", "ie", "a", "u", "y")  # case endings, longest first


class Lexicon:
    """Maps folded word forms of a closed vocabulary to lemma keys."""

    def __init__(self, lemmas: Iterable[str], names: Iterable[str] = ()) -> None:
        forms: dict[str, set[str]] = defaultdict(set)
        m = morfeusz()
        for lemma in sorted(set(lemmas)):  # one order whatever the hash seed: typo ties resolve alike
            key = lemma_key(lemma)
            forms[fold(lemma)].add(key)
            try:
                generated = m.generate(lemma)
            except RuntimeError:
                generated = []
            for form, *_rest in generated:
                folded = fold(form)
                if folded and " " not in folded:
                    forms[folded].add(key)
        self.forms: dict[str, frozenset[str]] = {f: frozenset(k) for f, k in forms.items()}
        self.lemma_keys = frozenset(k for keys in self.forms.values() for k in keys)
        self.name_keys = frozenset(lemma_key(name) for name in names)  # the event's names' words
        # Typo candidates by (length, first letter), in the forms' order (ties resolve alike):
        # scanning every form of a length cost ~0.5 ms per unknown word, a fifth of the time of a
        # question asked for the first time (1.4 → 1.1 ms over the dev and held-out sets).
        self._by_shape: dict[tuple[int, str], list[str]] = defaultdict(list)
        for form in self.forms:
            self._by_shape[len(form), form[0]].append(form)
        self.lookup = lru_cache(maxsize=20_000)(self._lookup)

    def _lookup(self, token: str, original: str, name: bool = False) -> tuple[frozenset[str], bool]:
        """Lemma keys for one token, and whether it is a noun outside the vocabulary.

        Vocabulary form first, else morfeusz2, else a close vocabulary form (a typo).
        """
        known = self.forms.get(token)
        if known is not None:
            return known | {token}, False
        if original and not original.isdigit():
            analysed = analyse_lemmas(original)
            if analysed:
                keys = frozenset(lemma_key(lemma) for lemma in analysed) | {token}
                return keys, len(token) >= 4 and is_noun(original) and not keys & self.lemma_keys
        if len(token) >= 4 and token not in _NO_FUZZ and token.isalpha():
            close = self._closest(token) or self._closest_inflected(token)
            # A capitalised word inside a sentence is corrected only to a name ("Rehbergera"),
            # never to a common word ("Planten un Blomen" is no typo of "plan").
            if close is not None and (not name or self.forms[close] & self.name_keys):
                return self.forms[close] | {token}, False
        return frozenset({token}), False

    def _closest_inflected(self, token: str) -> str | None:
        """A typo in a name with a Polish ending ("Kilmentem" for Kliment): the ending off first."""
        for ending in _ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= 5:
                close = self._closest(token[: -len(ending)])
                if close is not None:
                    return close
        return None

    def _closest(self, token: str) -> str | None:
        # OSA counts a swap of two neighbouring letters ("jturo") as one edit.
        limit = 1 if len(token) <= 6 else 2
        # Typos rarely hit the first letter; requiring it keeps "padac" from becoming "jadąc".
        candidates = [
            form
            for length in range(len(token) - limit, len(token) + limit + 1)
            for form in self._by_shape.get((length, token[0]), ())
        ]
        best = process.extractOne(token, candidates, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else None
