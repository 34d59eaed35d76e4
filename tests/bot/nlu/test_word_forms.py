"""Word forms: Swahili and Sheng affixes reach the dictionary form; English endings a base."""

from __future__ import annotations

import pytest

from bot.nlu.word_forms import SWAHILI_VERB, forms, inflected, is_number, swahili_zipf


def test_swahili_forms_reach_the_dictionary_form() -> None:
    assert "lipa" in forms("niliyolipa")
    assert "pata" in forms("apate")
    assert "pokea" in forms("sipokei")


@pytest.mark.parametrize(("word", "active"), [
    ("kupakiwa", "pakia"),  # Swahili passive
    ("refundiwa", "refund"),  # Sheng passive on an English stem
    ("imeblockiwa", "block"),
])
def test_passives_reach_the_active_form(word: str, active: str) -> None:
    assert active in forms(word)


def test_english_inflection_needs_a_known_base_word() -> None:
    assert inflected("received") and inflected("slipped")
    assert not inflected("beekeeping") and not inflected("licence")


def test_swahili_counts_are_loaded() -> None:
    zipf = swahili_zipf()
    assert zipf["ya"] > zipf.get("nyuki", 0.0)


@pytest.mark.parametrize(("word", "stem"), [("sijapata", "pata"), ("ntapata", "pata"),
                                            ("haijaonekana", "onekana"),
                                            # any subject with any tense, on English stems too
                                            ("anaapply", "apply"), ("inatransferiwa", "transfer"),
                                            ("kimeharibika", "haribika"), ("zitachukua", "chukua")])
def test_negative_and_future_forms_reach_the_stem(word: str, stem: str) -> None:
    assert stem in forms(word)




def test_numbers_written_as_words_agree_with_their_class() -> None:
    assert is_number("minane") and is_number("wawili") and is_number("eighteen")
    assert not is_number("mtoto")


@pytest.mark.parametrize("word", ["mnisaidie", "mtuambie", "mtuelezee"])
def test_the_plural_you_asking_for_me_or_us_is_a_verb(word: str) -> None:
    assert SWAHILI_VERB.match(word)


@pytest.mark.parametrize("word", ["mwanamke", "mzee", "mtoto"])
def test_nouns_of_the_m_class_are_not_taken_for_that_subjunctive(word: str) -> None:
    assert not SWAHILI_VERB.match(word)


@pytest.mark.parametrize(("word", "stem"), [("ananiuliza", "uliza"), ("kunielekeza", "elekeza"),
                                            ("mnielekeze", "elekeza"), ("kutuelekeza", "elekeza"),
                                            ("mnifahamishe", "fahamisha")])
def test_the_object_me_or_us_after_the_subject_reaches_the_stem(word: str, stem: str) -> None:
    # "ananiuliza" (he asks me): subject "a", tense "na", object "ni", then the verb
    assert stem in forms(word)




def test_only_me_and_us_are_taken_for_objects() -> None:
    # an m-class noun keeps its "m": "mtoto" is no "you (plural) ... toto"
    assert "toto" not in forms("mtoto") and "pesa" not in forms("mpesa")


@pytest.mark.parametrize(("word", "stem"), [("yarudishwe", "rudishwa"), ("zirudishwe", "rudishwa"),
                                            ("lirudiwe", "rudiwa")])
def test_a_subjunctive_of_a_class_of_things_reaches_the_stem(word: str, stem: str) -> None:
    # "malipo yarudishwe": that the payments be returned
    assert stem in forms(word)


@pytest.mark.parametrize(("word", "verb"), [("nimetry", "try"), ("kubuy", "buy"), ("kudo", "do"),
                                            ("naget", "get"), ("alipay", "pay")])
def test_sheng_verbs_on_short_english_stems_reach_the_english_verb(word: str, verb: str) -> None:
    assert verb in forms(word)


def test_a_class_prefix_before_a_short_english_word_stays_a_noun() -> None:
    assert "me" not in forms("umeme")  # electricity, not "u-me-" + "me"
    assert forms("tume") == ("tume",)
