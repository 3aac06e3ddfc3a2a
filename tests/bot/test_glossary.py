"""The glossary of Polish words for foreign title words (bot/glossary.py)."""

from __future__ import annotations

from bot.glossary import glossary, polish_words
from bot.intents import cue_vocabulary
from bot.lexicon import analyse_lemmas, lemma_key
from bot.text import fold
from bot.understanding.reading import _PRACTICAL


def test_phrases_and_plurals() -> None:
    assert polish_words("Hacking washing machines")[:1] == ["pralka"]
    assert "hakowanie" in polish_words("Hacking washing machines")
    assert polish_words("Assemblée générale de l’AFPy") == ["walne", "zgromadzenie"]
    assert polish_words("Databases for kids") == ["baza", "danych", "dzieci", "dziecko"]


def test_words_of_no_known_form_give_nothing() -> None:
    assert polish_words("Breaking BOTS: Cheating at Blue Team CTFs") == []


def test_no_polish_word_is_a_cue_or_a_practical_matter() -> None:
    """A Polish word the glossary gives must not be one the questions use to say what they ask
    ("jak dojechać pociągiem", "hasło do wifi"): a title about trains would answer those."""
    cues = {lemma_key(word) for word in cue_vocabulary()}
    polish = {fold(word) for meanings in glossary().values() for meaning in meanings for word in meaning}
    assert not [word for word in polish if {lemma_key(lemma) for lemma in analyse_lemmas(word)} & cues]
    for phrase, pattern in _PRACTICAL:
        assert not [word for word in polish if pattern.search(word)], phrase
