import pytest

from backend.services.identifiers import (
    Identifier,
    parse_chat_identity,
    parse_identifier,
)


def test_parse_identifier_id_number_and_phone() -> None:
    assert parse_identifier(" 12345678 ") == Identifier("id_number", "12345678")
    assert parse_identifier("0712345678") == Identifier("phone", "254712345678")
    assert parse_identifier("12345") is None
    assert parse_identifier("A1234567") is None
    assert parse_identifier("712345678") == Identifier("id_number", "712345678")  # no prefix: an ID


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
