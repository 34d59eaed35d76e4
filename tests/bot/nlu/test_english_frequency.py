"""English Zipf frequencies read from wordfreq's data agree with wordfreq itself."""

from __future__ import annotations

import subprocess
import sys

import pytest
from wordfreq import top_n_list, zipf_frequency

from bot.nlu.english_frequency import zipf_contraction, zipf_english


def test_the_most_common_english_words_agree_with_wordfreq() -> None:
    words = top_n_list("en", 50_000)
    assert [zipf_english(w) for w in words] == [zipf_frequency(w, "en") for w in words]


@pytest.mark.parametrize("word", ["passport", "firearm", "kitambulisho", "xqzvwk", "zzref",
                                  "Passport", "café", "don't", "ecitizen", "a"])
def test_rare_unknown_and_unusual_words_agree(word: str) -> None:
    assert zipf_english(word) == zipf_frequency(word, "en")


def test_importing_the_matcher_does_not_import_wordfreq() -> None:
    """The point of reading the file ourselves: wordfreq's imports cost every start."""
    code = ("import sys, bot.knowledge.live, bot.nlu.english_frequency as e; "
            "e.zipf_english('passport'); print('wordfreq' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("word", "contraction"), [
    ("isnt", "isn't"), ("doesn", "doesn't"), ("wont", "won't"), ("youre", "you're"),
    ("thats", "that's"),
])
def test_a_contraction_without_its_apostrophe_is_as_common_as_the_contraction(
        word: str, contraction: str) -> None:
    assert zipf_contraction(word) == zipf_frequency(contraction, "en") > 4.0


@pytest.mark.parametrize("word", ["firearm", "beekeeping", "Isnt", "n"])
def test_words_that_spell_no_contraction_have_none(word: str) -> None:
    assert zipf_contraction(word) == 0.0
