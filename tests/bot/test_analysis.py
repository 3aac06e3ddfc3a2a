"""Messages to tokens and lemma keys (bot/analysis.py, bot/lexicon.py): typos and written names."""

from __future__ import annotations

from bot.analysis import analyse
from bot.lexicon import Lexicon, lemma_key


def test_a_typo_is_corrected_to_a_known_word() -> None:
    lexicon = Lexicon(["plan", "Rehberger"], names=["Rehberger"])
    assert lemma_key("plan") in analyse("kiedy jest planu", lexicon).lemmas  # a case form
    assert lemma_key("plan") in analyse("pokaz plnay", lexicon).lemmas  # two letters swapped


def test_a_capitalised_word_inside_a_sentence_is_corrected_only_to_a_name() -> None:
    lexicon = Lexicon(["plan", "Rehberger"], names=["Rehberger"])
    # "Planten un Blomen" (a park) is no "plan"; "Rehbergera" is Rehberger inflected.
    assert lemma_key("plan") not in analyse("gdzie jest Planten un Blomen", lexicon).lemmas
    assert lemma_key("Rehberger") in analyse("kiedy mówi Rehbergerr?", lexicon).lemmas
    # At the start of a sentence a capital says nothing: "Plnay" is still a typo.
    assert lemma_key("plan") in analyse("Plnay na jutro", lexicon).lemmas
