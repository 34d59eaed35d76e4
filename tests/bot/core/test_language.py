"""Language detection per message, code-switching and explicit requests."""

from __future__ import annotations

import pytest

from bot.core.language import detect_language, explicit_language_request, is_clear

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


def test_detect_language_hyphenated_swahili_verbs() -> None:
    assert detect_language("nataka ku-apply good conduct").language == "sw"
