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
