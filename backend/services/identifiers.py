"""Parse what citizens type: phone numbers, ID numbers, chat identities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from common.phones import parse_kenyan_mobile

_ID_NUMBER = re.compile(r"^\d{6,9}$")
_CHAT_IDENTITY = re.compile(r"^([a-z][a-z0-9_-]{1,31}):([\x21-\x7e]{1,160})$")


@dataclass(frozen=True, slots=True)
class Identifier:
    """A sign-in identifier in canonical form."""

    kind: Literal["phone", "id_number"]
    value: str


def parse_identifier(raw: str) -> Identifier | None:
    """Read a national/alien ID number or a phone number in 07.., 2547.. or +2547.. form."""
    text = raw.strip()
    phone = parse_kenyan_mobile(text)
    if phone is not None:
        return Identifier("phone", phone)
    compact = re.sub(r"\s", "", text)
    if _ID_NUMBER.match(compact):
        return Identifier("id_number", compact)
    return None


def parse_chat_identity(raw: str) -> tuple[str, str] | None:
    """Split `channel:sender_id`; return None when it is not of that shape."""
    match = _CHAT_IDENTITY.match(raw)
    return (match.group(1), match.group(2)) if match else None
