"""Text normalisation: case, accents, punctuation, repeats, spellings, synonyms, placeholders."""

from __future__ import annotations

import pytest

from bot.nlu.normalize import Normalizer, singular, skeleton, split_how, strip_accents


def test_normalizer_basic_clean_up() -> None:
    n = Normalizer()
    assert n("  Hello, WORLD!!! ") == "hello world"
    assert n("Pleeeease helppp") == "pleease helpp"
    assert strip_accents("café naïve") == "cafe naive"


def test_normalizer_spellings_and_synonym_phrases() -> None:
    n = Normalizer({"nmesahau": "nimesahau", "pls": "please"},
                   [["id", "kitambulisho", "national id"], ["passport", "pasipoti"]])
    assert n("Nmesahau kitambulisho pls") == "nimesahau id please"
    assert n("my National ID and pasipoti") == "my id and passport"


def test_normalizer_replaces_personal_values_with_placeholders() -> None:
    n = Normalizer()
    text = n("status PP-2025-000123 phone 0712 345 678 id 12345678 code SJK4XY12AB")
    assert text == "status zzref phone zzphone id zzidno code zzmpesa"


def test_normalizer_merges_overlapping_groups_without_swaps() -> None:
    # one file says ada -> fee, another says fee -> ada: both must land on one form
    n = Normalizer({}, [["fee", "ada"], ["ada", "bei", "gharama"], ["pasipoti", "passport"],
                        ["passport", "pasipoti"]])
    assert n("ada") == n("fee") == n("bei") == n("gharama") == "fee"
    assert n("passport") == n("pasipoti")


def test_normalizer_keeps_paybill_numbers_as_words() -> None:
    assert Normalizer()("paybill 222222 account 12345678") == "paybill 222222 account zzidno"


@pytest.mark.parametrize(("word", "expected"), [
    ("taxes", "tax"), ("fees", "fee"), ("jobs", "job"), ("kra", "kra"), ("sha", "sha"),
])
def test_singular_drops_an_english_plural_ending(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_normalizer_drops_a_sheng_prefix_hyphened_onto_an_english_verb() -> None:
    n = Normalizer()
    assert n("nataka ku-apply, kui-renew na hu-register") == "nataka apply renew na register"
    assert n("M-Pesa ya e-citizen") == "m pesa ya e citizen"  # not a verb prefix


def test_normalizer_finds_a_phrase_across_a_swahili_possessive() -> None:
    n = Normalizer({}, [["password", "neno la siri"]])
    assert n("nimesahau neno langu la siri") == "nimesahau password"
    assert n("malipo yangu ya mwisho") == "malipo yangu ya mwisho"  # no phrase: kept


@pytest.mark.parametrize(("typed", "expected"), [
    ("nmepoteza", "nimepoteza"), ("nlifanya", "nilifanya"), ("nkiresend", "nikiresend"),
    ("nfanyeje", "nifanye je"), ("nsaidie", "nisaidie"), ("nko", "niko"),  # "-je" set apart
    ("kmepotea", "kimepotea"), ("zmeisha", "zimeisha"),
    ("cjapata", "sijapata"), ("cpati", "sipati"), ("ckuona", "sikuona"), ("cna", "sina"),
])
def test_normalizer_restores_a_subject_prefix_chat_dropped_the_vowel_of(typed: str,
                                                                        expected: str) -> None:
    assert Normalizer()(typed) == expected


@pytest.mark.parametrize("word", ["ngapi", "nje", "ndio", "nyumba", "nssf", "nhif", "ntapata",
                                  "crb", "kme", "nchi", "nzuri"])
def test_normalizer_keeps_words_that_really_start_with_those_letters(word: str) -> None:
    assert Normalizer()(word) == word


def test_normalizer_restored_prefix_still_meets_the_lexicon() -> None:
    n = Normalizer({"nimesahau": "forgot"})
    assert n("nmesahau") == "forgot"


@pytest.mark.parametrize(("typed", "expected"), [
    ("malipo hayaonyeshi", "malipo not reflected"),  # entry written for "haionyeshi"
    ("vyeti vimeharibika", "vyeti damaged"),  # entry written for "imeharibika"
    ("ombi limefika wapi", "ombi where is it"),  # phrase entry written for "imefika wapi"
])
def test_normalizer_reads_an_entry_for_a_verb_in_every_class_of_things(typed: str,
                                                                       expected: str) -> None:
    n = Normalizer({}, [["not reflected", "haionyeshi"], ["damaged", "imeharibika"],
                        ["where is it", "imefika wapi"]])
    assert n(typed) == expected


@pytest.mark.parametrize("word", ["amesahau", "kitambulisho", "ulinzi", "hali", "yako"])
def test_normalizer_agreement_leaves_people_and_nouns_alone(word: str) -> None:
    n = Normalizer({}, [["forgot", "nimesahau"], ["id", "vitambulisho"], ["security", "ulinzi"],
                        ["status", "hali"], ["yours", "iko"]])
    assert n(word) == {"ulinzi": "security", "hali": "status"}.get(word, word)


def test_normalizer_agreement_never_overrides_an_entry() -> None:
    n = Normalizer({}, [["damaged", "imeharibika"], ["broken", "kimeharibika"]])
    assert n("kimeharibika") == "broken" and n("vimeharibika") == "damaged"


@pytest.mark.parametrize("text", ["pasipoti inachukua wiki ngapi",
                                  "pasipoti inachukua miezi mingapi",
                                  "pasipoti inachukua mda gani", "passport takes how many weeks"])
def test_lexicon_reads_a_duration_asked_with_any_unit_as_how_long(real_knowledge,
                                                                  text: str) -> None:
    assert "how long" in real_knowledge.matcher.normalise(text)


def test_lexicon_leaves_what_time_alone(real_knowledge) -> None:
    assert "how long" not in real_knowledge.matcher.normalise("ofisi hufunguliwa saa ngapi")


@pytest.mark.parametrize(("typed", "verb"), [("nitafuatiliaje", "nitafuatilia"),
                                             ("napataje", "napata"), ("nifanyeje", "nifanye"),
                                             ("tunahamishaje", "tunahamisha"),
                                             ("ntapataje", "ntapata"),  # the coast's future
                                             ("hufanyikaje", "hufanyika")])
def test_split_how_sets_the_enclitic_apart_from_its_verb(typed: str, verb: str) -> None:
    assert split_how(typed) == (verb, "je")


@pytest.mark.parametrize("word", ["nje", "tuje", "mbeje", "kipeje", "niaje"])
def test_split_how_leaves_words_that_only_end_in_je(word: str) -> None:
    assert split_how(word) == (word,)


def test_normalizer_verb_asked_with_je_meets_the_lexicon() -> None:
    normalise = Normalizer(synonym_groups=[["track", "nitafuatilia"]])
    assert normalise("nitafuatiliaje ombi langu") == "track je ombi langu"


@pytest.mark.parametrize(("typed", "expected"), [
    ("mzee kutoka Murang'a", "mzee kutoka muranga"),
    ("niko ng\u2019ambo", "niko ngambo"),
    ("NG'OMBE wangu", "ngombe wangu"),
])
def test_normalizer_keeps_a_word_with_the_swahili_ng_apostrophe_whole(typed: str,
                                                                     expected: str) -> None:
    assert Normalizer()(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("nothing's working", "nothing s working"),
    ("my daughter's id", "my daughter s id"),
    ("ng'", "ng"),
])
def test_normalizer_splits_other_apostrophes_as_before(typed: str, expected: str) -> None:
    assert Normalizer()(typed) == expected


@pytest.mark.parametrize(("typed", "perfect"), [
    ("nimekwisha lipa kwa mpesa", "nimelipa kwa mpesa"),  # the coast's perfect, without "ku"
    ("amekwisha kuondoka", "ameondoka"),  # ...and with it
    ("tumekwisha kuomba", "tumeomba"),
    ("nimekwisha kuja", "nimekuja"),  # "ku" of a two-letter stem is the verb's own
    ("nimekwisha", "nimekwisha"),  # alone, it is "I have finished"
])
def test_the_perfect_written_with_kwisha_is_the_perfect(typed: str, perfect: str) -> None:
    assert Normalizer()(typed) == perfect


def test_normalizer_restores_vowels_dropped_between_consonants_of_long_words() -> None:
    n = Normalizer({}, [["id", "kitambulisho"], ["passport", "pasipoti"],
                        ["locked", "imefungiwa"]])
    assert n("kitmbulisho changu") == "id changu"
    assert n("pspoti yangu") == "passport yangu"


def test_normalizer_keeps_verb_extensions_that_differ_by_a_vowel() -> None:
    # "imefungwa" (it is closed) is a word, not "imefungiwa" without its "i"
    n = Normalizer({}, [["locked", "imefungiwa"], ["open", "kufungua"]])
    assert n("imefungwa") == "imefungwa"
    assert n("kufunga ndoa") == "kufunga ndoa"


def test_the_skeleton_of_a_word_is_its_consonants() -> None:
    assert skeleton("lakini") == skeleton("lakin") == "lkn"
