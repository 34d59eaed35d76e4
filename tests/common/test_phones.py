import pytest

from common.phones import PHONE_IN_TEXT, parse_kenyan_mobile


@pytest.mark.parametrize(
    "raw", ["0712345678", "254712345678", "+254712345678", "+254 712 345 678", "0712-345-678",
            " (0712) 345 678 "]
)
def test_parse_kenyan_mobile_typed_forms_give_msisdn(raw: str) -> None:
    assert parse_kenyan_mobile(raw) == "254712345678"


@pytest.mark.parametrize(("raw", "msisdn"), [("0112345678", "254112345678"),
                                             ("254112345678", "254112345678"),
                                             ("0100123456", "254100123456")])
def test_parse_kenyan_mobile_01_ranges_are_mobiles(raw: str, msisdn: str) -> None:
    assert parse_kenyan_mobile(raw) == msisdn


@pytest.mark.parametrize("raw", [
    "071234567",  # one digit short
    "07123456789",  # one digit long
    "0812345678",  # no such range
    "0202222222",  # a Nairobi landline: no M-Pesa there
    "0199999999",  # 01 range nobody was given
    "25571234567",  # Tanzania
    "+447911123456",  # a British mobile
    "712345678",  # without a prefix this is an ID number
    "0712ABCDEF",  # letters are not keypad digits here
    "hello",
    "",
])
def test_parse_kenyan_mobile_anything_else_gives_none(raw: str) -> None:
    assert parse_kenyan_mobile(raw) is None


def test_phone_in_text_finds_the_typed_forms() -> None:
    text = "call 0712 345 678 or +254712345678, not 12345678"
    assert [m.group(0) for m in PHONE_IN_TEXT.finditer(text)] == ["0712 345 678",
                                                                 "+254712345678"]
