"""Entity extraction from citizens' messages."""

from __future__ import annotations

from bot.nlu.entities import extract_entities, normalise_phone


def test_extract_entities_finds_references_in_many_spellings() -> None:
    found = extract_entities("status ya pp 2025 000123 na GC-2025-000456")
    assert [(e.entity, e.value) for e in found] == [
        ("reference", "PP-2025-000123"), ("reference", "GC-2025-000456")
    ]


def test_extract_entities_phone_id_ticket_and_mpesa_code() -> None:
    found = {e.entity: e.value for e in extract_entities(
        "simu +254 712 345 678, ID 12345678, tiketi T-000045, code SJK4XY12AB")}
    assert found == {"phone": "254712345678", "id_number": "12345678", "ticket": "T-000045",
                     "mpesa_code": "SJK4XY12AB"}


def test_normalise_phone_forms() -> None:
    assert normalise_phone("0712 345 678") == "254712345678"
    assert normalise_phone("+254-712-345-678") == "254712345678"
    assert normalise_phone("0110123456") == "254110123456"
