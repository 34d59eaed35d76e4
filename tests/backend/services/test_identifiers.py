import pytest

from backend.services.identifiers import (
    Identifier,
    normalize_phone,
    parse_chat_identity,
    parse_identifier,
)


@pytest.mark.parametrize(
    "raw", ["0712345678", "254712345678", "+254712345678", "+254 712 345 678", "0712-345-678"]
)
def test_normalize_phone_kenyan_forms_give_msisdn(raw: str) -> None:
    assert normalize_phone(raw) == "254712345678"


@pytest.mark.parametrize("raw", ["0112345678", "254112345678"])
def test_normalize_phone_01_prefix_is_accepted(raw: str) -> None:
    assert normalize_phone(raw) == "254112345678"


@pytest.mark.parametrize("raw", ["071234567", "0812345678", "25571234567", "hello", ""])
def test_normalize_phone_other_text_gives_none(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_parse_identifier_id_number_and_phone() -> None:
    assert parse_identifier(" 12345678 ") == Identifier("id_number", "12345678")
    assert parse_identifier("0712345678") == Identifier("phone", "254712345678")
    assert parse_identifier("12345") is None
    assert parse_identifier("A1234567") is None


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("telegram:42", ("telegram", "42")),
        ("webchat:7f3c-aa", ("webchat", "7f3c-aa")),
        ("whatsapp:254712345678", ("whatsapp", "254712345678")),
        ("Telegram:42", None),
        ("telegram:", None),
        ("telegram 42", None),
        ("telegram:4 2", None),
    ],
)
def test_parse_chat_identity_shapes(raw: str, parsed: tuple[str, str] | None) -> None:
    assert parse_chat_identity(raw) == parsed
