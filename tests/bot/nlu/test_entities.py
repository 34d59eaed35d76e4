"""Entity extraction from citizens' messages."""

from __future__ import annotations

from bot.nlu.entities import extract_entities


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


def test_phone_entities_are_read_by_the_one_phone_parser() -> None:
    for typed in ("0712 345 678", "+254 712 345 678", "254712345678"):
        assert [(e.entity, e.value) for e in extract_entities(typed)] == [
            ("phone", "254712345678")], typed
    assert [(e.entity, e.value) for e in extract_entities("0110123456")] == [
        ("phone", "254110123456")]


def test_a_phone_shaped_number_that_is_no_kenyan_mobile_is_no_phone() -> None:
    # 0190 000 000 has the typed shape of a phone, but no Kenyan mobile range starts 019.
    assert [e.entity for e in extract_entities("0190 000 000")] == []
