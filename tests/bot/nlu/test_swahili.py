"""The Swahili verb stemmer: conjugations of one verb share a stem; short words stay."""

from __future__ import annotations

import pytest

from bot.nlu.swahili import swahili_stem


@pytest.mark.parametrize("forms", [
    ("nimepoteza", "nilipoteza", "umepoteza", "tumepoteza"),
    ("nimelipa", "alilipa", "nitalipa"),
    ("kulipia", "nilipia"),
])
def test_conjugations_of_one_verb_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({swahili_stem(w) for w in forms}) == 1


@pytest.mark.parametrize("word", ["cheti", "pasipoti", "passport", "tafadhali", "ada", "simu"])
def test_short_and_non_verb_shaped_words_stay(word: str) -> None:
    assert swahili_stem(word) == word


@pytest.mark.parametrize("forms", [
    ("nimepata", "sijapata", "hajapata", "hatujapata", "sikupata"),  # the negatives
    ("ninaomba", "naomba", "tunaomba"),  # the chat present has no subject
    ("nitapata", "ntapata"),  # the coast's future
    ("nimelipa", "niliyolipa", "aliyelipa"),  # a relative after the tense
])
def test_negative_chat_coastal_and_relative_forms_share_the_verbs_stem(
        forms: tuple[str, ...]) -> None:
    assert len({swahili_stem(w) for w in forms}) == 1


@pytest.mark.parametrize(("word", "stem"), [("nilipoteza", "poteza"), ("nilipokea", "pokea")])
def test_a_stem_that_begins_like_a_relative_keeps_it(word: str, stem: str) -> None:
    assert swahili_stem(word) == stem
