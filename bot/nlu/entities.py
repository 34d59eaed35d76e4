"""Find structured values in a message: application references, tickets, phones, ID numbers."""

from __future__ import annotations

import re

from bot.core.ports import Entity
from common.phones import parse_kenyan_mobile
from privacy.redact import EMAIL, ID_NUMBER, MPESA_CODE, PHONE

REFERENCE = re.compile(r"\b([A-Z]{2,3})[-\s]?(20\d{2})[-\s]?(\d{6})\b", re.IGNORECASE)
TICKET = re.compile(r"\bT[-\s]?(\d{4,8})\b", re.IGNORECASE)
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)

# Order matters: earlier kinds win where two shapes overlap.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("reference", REFERENCE),
    ("ticket", TICKET),
    ("phone", PHONE),
    ("mpesa_code", MPESA_CODE),
    ("id_number", ID_NUMBER),
    ("email", EMAIL),
)


def _value(kind: str, match: re.Match[str]) -> str | None:
    """Return the entity's value; None when the shape is not really that kind (a phone)."""
    if kind == "reference":
        prefix, year, number = match.groups()
        return f"{prefix.upper()}-{year}-{number}"
    if kind == "ticket":
        return f"T-{match.group(1)}"
    if kind == "phone":
        return parse_kenyan_mobile(match.group(0))
    return match.group(0).upper() if kind == "mpesa_code" else match.group(0)


def extract_entities(text: str) -> tuple[Entity, ...]:
    """Return the entities found in `text`, without overlaps, in order of appearance."""
    found: list[Entity] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < e.end and e.start < match.end() for e in found):
                continue
            value = _value(kind, match)
            if value is not None:
                found.append(Entity(kind, value, match.start(), match.end()))
    return tuple(sorted(found, key=lambda e: e.start))
