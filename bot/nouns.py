"""The event's noun ("konferencja", "festiwal", "targi") inflected once, with morfeusz2."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.lexicon import morfeusz
from bot.model import EVENT_NOUN, Noun

_CASES = ("nom", "gen", "dat", "acc", "inst", "loc")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _readings(word: str) -> list[tuple[str, str]]:
    """(lemma, tag) of each common-noun reading of `word` in the nominative."""
    found = []
    for _start, _end, (_form, lemma, tag, *_rest) in morfeusz().analyse(word):
        parts = tag.split(":")
        if parts[0] == "subst" and len(parts) >= 4 and "nom" in parts[2].split("."):
            found.append((lemma, tag))
    return found


@lru_cache(maxsize=64)
def plural_forms(word: str) -> frozenset[str]:
    """Every plural form of a noun ("kongresy", "kongresów"): asked about the event's editions."""
    found = set()
    for lemma, _tag in _readings(word.strip()):
        for form, form_lemma, form_tag, *_rest in morfeusz().generate(lemma.split(":")[0]):
            parts = form_tag.split(":")
            if form_lemma == lemma and parts[0] == "subst" and parts[1] == "pl":
                found.add(form)
    return frozenset(found)


@lru_cache(maxsize=64)
def inflect(word: str) -> Noun | None:
    """The noun's forms in the singular (or, for a plurale tantum, the plural); None if unknown."""
    readings = _readings(word.strip())
    # A singular reading first: "targi" is also the plural of "targ", but the event is "targi".
    readings.sort(key=lambda r: (r[1].split(":")[1] != "sg", ":pt" not in r[1]))
    for lemma, tag in readings:
        parts = tag.split(":")
        number, gender = parts[1], parts[3].split(".")[0]
        if number == "pl" and "pt" not in parts[4:]:
            continue  # a plural of an ordinary noun ("konferencje") is no name for one event
        forms: dict[str, str] = {}
        for form, form_lemma, form_tag, *_rest in morfeusz().generate(lemma.split(":")[0]):
            if form_lemma != lemma:
                continue
            form_parts = form_tag.split(":")
            if form_parts[0] != "subst" or form_parts[1] != number:
                continue
            for case in form_parts[2].split("."):
                forms.setdefault(case, form)
        if not all(case in forms for case in _CASES):
            continue
        if word[:1].isupper():  # keep a capital the organiser wrote ("Forum")
            forms = {case: form[:1].upper() + form[1:] for case, form in forms.items()}
        return Noun(
            forms["nom"],
            forms["gen"],
            forms["dat"],
            forms["acc"],
            forms["inst"],
            forms["loc"],
            "m" if gender.startswith("m") else gender[:1],
            number == "pl",
        )
    return None


def derived_noun(kind: str | None) -> Noun:
    """The noun at the end of the event's `kind` ("ogólnopolska konferencja"), else "wydarzenie".

    When the last word is no noun ("festiwal muzyczny"), the last noun before it is taken.
    """
    for word in reversed(_WORD.findall(kind or "")):
        noun = inflect(word.lower())
        if noun is not None:
            return noun
    return EVENT_NOUN
