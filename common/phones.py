"""Kenyan mobile numbers: read what people type, write the 12-digit MSISDN M-Pesa uses.

Validity comes from the `phonenumbers` library (Google's libphonenumber metadata), so a new
number range is a library upgrade, not a regex edit.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

KENYA = "KE"
KENYA_CALLING_CODE = 254
_SEPARATORS = re.compile(r"[\s\-().]")
# Forms people type: 07.. / 01.., 2547.. or +2547... A bare 9-digit number stays an ID number.
_TYPED_PREFIXES = ("0", "254", "+254")

# Where a phone may stand in free text (masking in logs and transcripts, chat entities). It
# finds candidates generously, because a number masked once too often costs nothing.
PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+?254|0)\s?[17]\d{2}[\s-]?\d{3}[\s-]?\d{3}(?!\d)")


def parse_kenyan_mobile(raw: str) -> str | None:
    """Return the MSISDN (2547XXXXXXXX, 2541XXXXXXXX) of a Kenyan mobile number, else None."""
    compact = _SEPARATORS.sub("", raw.strip())
    digits = compact.removeprefix("+")
    # phonenumbers would read letters as a keypad spells them (0712-ABC-DEF); people do not.
    if not compact.startswith(_TYPED_PREFIXES) or not digits.isdigit():
        return None
    try:
        number = phonenumbers.parse("+" + compact if compact.startswith("254") else compact,
                                    KENYA)
    except NumberParseException:
        return None
    if (
        number.country_code != KENYA_CALLING_CODE
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != PhoneNumberType.MOBILE
    ):
        return None
    return f"{KENYA_CALLING_CODE}{number.national_number}"
