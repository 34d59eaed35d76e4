"""Reading taps typed as text: numbers for numbered options and option titles."""

from __future__ import annotations

import pytest

from bot.core.payloads import Payload, choice_number, title_key


@pytest.mark.parametrize(("text", "expected"), [
    ("2", 2), (" 2. ", 2), ("2)", 2), ("#2", 2), ("no. 2", 2), ("option 2", 2),
    ("Namba 12", 12), ("chaguo 3", 3), ("nambari 1 tafadhali", None), ("please option 2", 2),
    ("I paid 2 times", None), ("2 passports", None), ("123", None), ("PP-2025-000123", None),
    ("", None), ("two", None),
])
def test_choice_number(text: str, expected: int | None) -> None:
    assert choice_number(text) == expected


@pytest.mark.parametrize(("typed", "title"), [
    ("make a payment", "Make a payment"), ("2. Make a payment", "Make a payment"),
    ("Make a payment!", "Make a payment"), ("Fanya  Malipo", "Fanya malipo"),
    ("Ongea na mhudumu.", "Ongea na mhudumu"),
])
def test_title_key_typed_titles_compare_equal(typed: str, title: str) -> None:
    assert title_key(typed) == title_key(title)


def test_title_key_different_titles_differ() -> None:
    assert title_key("Make a payment") != title_key("Make a complaint")


@pytest.mark.parametrize(("text", "expected"), [
    ("/menu", Payload("menu")), ("start_payment:confirm", Payload("start_payment", "confirm")),
    ('/check_status{"reference": "PP-2025-000123"}', Payload("check_status", "PP-2025-000123")),
    ("/faq{}", Payload("faq")), ("/faq{not json}", None), ("/faq[1]", None),
])
def test_payload_typed_reads_rasa_shapes(text: str, expected: Payload | None) -> None:
    assert Payload.typed(text) == expected
