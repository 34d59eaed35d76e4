"""Language detection per message, code-switching and explicit requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.language import (
    LONG_SILENCE,
    clear_language,
    detect_language,
    explicit_language_request,
    is_bare_answer,
    is_clear,
    push_language,
)

SWAHILI = [
    "Habari, nataka kujua hali ya ombi langu la pasipoti.",
    "Passport yangu iko ready? Niliapply mwezi uliopita.",
    "Niaje, good conduct yangu imeshatoka ama bado?",
    "Nimesahau password ya ecitizen",
    "pesa imekatwa lakini haijareflect",
    "mambo",
    "asante sana",
    "nataka kulipa",
    "OTP hainifikii",
]
ENGLISH = [
    "How much is a passport?",
    "I forgot my password",
    "where is my application",
    "hello",
    "thanks",
    "my payment has not reflected yet",
    "can I pay with a card",
]


@pytest.mark.parametrize("text", SWAHILI)
def test_detect_language_swahili_and_mixed(text: str) -> None:
    assert detect_language(text).language == "sw"


@pytest.mark.parametrize("text", ENGLISH)
def test_detect_language_english(text: str) -> None:
    assert detect_language(text).language == "en"


@pytest.mark.parametrize("text", ["passport", "PP-2025-000123", "12345678", "ok", "KRA PIN"])
def test_detect_language_neutral_text_is_not_clear(text: str) -> None:
    assert not is_clear(detect_language(text))


def test_detect_language_clear_for_full_sentences() -> None:
    assert is_clear(detect_language("Nataka kujua jinsi ya kulipa kwa M-Pesa tafadhali"))
    assert is_clear(detect_language("I would like to know how to pay with M-Pesa please"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kiswahili tafadhali", "sw"),
        ("kiswahili", "sw"),
        ("/lang sw", "sw"),
        ("can you speak swahili please", "sw"),
        ("English please", "en"),
        ("/lang en", "en"),
        ("kwa kiingereza tafadhali", "en"),
        ("how do I register a business in Kiswahili speaking areas", None),
        ("what is the passport fee", None),
    ],
)
def test_explicit_language_request(text: str, expected: str | None) -> None:
    assert explicit_language_request(text) == expected


@pytest.mark.parametrize("text", ["huduma centre opening hours", "nearest huduma centre",
                                  "gava mkononi app download", "police clearance certificate kenya"])
def test_detect_language_names_shared_by_both_languages_are_no_evidence(text: str) -> None:
    assert detect_language(text).language in ("en", None)


@pytest.mark.parametrize("text", ["Changamwe", "Mombasa Nairobi", "Dubai Kampala"])
def test_detect_language_place_names_are_no_evidence(text: str) -> None:
    assert detect_language(text).language is None


def test_detect_language_hyphenated_swahili_verbs() -> None:
    assert detect_language("nataka ku-apply good conduct").language == "sw"


@pytest.mark.parametrize(("text", "expected"), [
    ("habari", "sw"), ("mambo", "sw"), ("sasa", "sw"), ("niaje", "sw"), ("menyu", "sw"),
    ("naeza lipa na airtel money?", "sw"), ("waiting card imepotea", "sw"),
    ("Fanya malipo", "sw"), ("Hi, nataka kulipa", "sw"),
    ("hello", "en"), ("hi", "en"), ("Check an application", "en"), ("my id is 12345678", "en"),
    ("status of PP-2025-000123", None), ("hali ya PP-2025-000123", None), ("menu", None),
    ("2", None), ("ok", None), ("passport", None), ("Huduma Centre", None),
])
def test_clear_language_one_word_greetings_and_sheng_count_labels_around_data_do_not(
    text: str, expected: str | None,
) -> None:
    assert clear_language(detect_language(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("yes", True), ("sawa", True), ("no thanks", True), ("ndio tafadhali", True),
    ("yes I want to pay", False), ("habari", False),
])
def test_is_bare_answer_only_for_a_whole_yes_or_no(text: str, expected: bool) -> None:
    assert is_bare_answer(text) is expected


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("explicit", "silent_for", "preferred", "expected"), [
    (False, timedelta(hours=1), "sw", "en"),        # a short silence: the chat's language
    (False, LONG_SILENCE + timedelta(minutes=1), "sw", "sw"),  # long: the profile's
    (False, None, "sw", "sw"),                      # nothing ever written: the profile's
    (True, LONG_SILENCE * 10, "sw", "en"),          # asked for: holds, pushes included
    (False, LONG_SILENCE * 10, None, "en"),         # no profile language known
    (False, LONG_SILENCE * 10, "fr", "en"),         # a language we do not speak
])
def test_push_language(explicit: bool, silent_for: timedelta | None, preferred: str | None,
                       expected: str) -> None:
    last = NOW - silent_for if silent_for is not None else None
    assert push_language(locale="en", explicit=explicit, last_inbound_at=last,
                         preferred=preferred, now=NOW) == expected
