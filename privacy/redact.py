"""Find and mask personal data (ID numbers, phones, M-Pesa codes, emails) in free text."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from common.phones import PHONE_IN_TEXT

# The shapes of personal data in Kenyan chat; bot.nlu reuses them to find entities. Phones are
# found as `common.phones` defines them for every part of Msaidizi.
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = PHONE_IN_TEXT
MPESA_CODE = re.compile(r"\b(?=[A-Z0-9]{10}\b)(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10}\b")
ID_NUMBER = re.compile(r"(?<![\w-])\d{6,9}(?![\w-])")

# Order matters: longer, more specific shapes first so a phone is not half-masked as an ID.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", EMAIL),
    ("phone", PHONE),
    ("mpesa", MPESA_CODE),
    ("id", ID_NUMBER),
)


def mask_phone(phone: str) -> str:
    """Show only the last three digits of a phone number: 2547******678."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 7) + digits[-3:]


def _mask_match(kind: str, value: str) -> str:
    if kind == "phone":
        return mask_phone(value)
    if kind == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if kind == "mpesa":
        return value[:2] + "*" * (len(value) - 2)
    return "*" * (len(value) - 2) + value[-2:]


def mask(text: str) -> str:
    """Return `text` with every ID number, phone, M-Pesa code and email masked."""
    return mask_kinds(text, tuple(kind for kind, _ in _PATTERNS))


def mask_kinds(text: str, kinds: tuple[str, ...]) -> str:
    """Return `text` with the personal data of the given kinds ("id", "phone"...) masked."""
    for kind, pattern in _PATTERNS:
        if kind in kinds:
            text = pattern.sub(lambda m, k=kind: _mask_match(k, m.group(0)), text)  # type: ignore[misc]
    return text


def find(text: str) -> list[tuple[str, int, int]]:
    """Return (kind, start, end) for each piece of personal data in `text`."""
    found: list[tuple[str, int, int]] = []
    taken: list[range] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() in r for r in taken):
                found.append((kind, m.start(), m.end()))
                taken.append(range(m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


class RedactingFilter(logging.Filter):
    """A logging filter that masks personal data in every record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the formatted message in place; never drop a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg, record.args = mask(message), None
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


CONTEXT_KEYS = ("channel", "conversation_id", "ref", "request_id")


class RedactingFormatter(logging.Formatter):
    """Format a record with its `channel`/`conversation_id` context, then mask personal data.

    Masking the finished line also covers tracebacks and extra fields, which a filter on the
    message alone would miss.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Return the masked log line."""
        line = super().format(record)
        context = [
            f"{key}={getattr(record, key)}"
            for key in CONTEXT_KEYS
            if getattr(record, key, None) is not None
        ]
        if context:
            line = f"{line} [{' '.join(context)}]"
        return mask(line)


class JsonRedactingFormatter(logging.Formatter):
    """Format a record as one JSON object per line, every text value masked."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the masked JSON line (time in UTC, ISO 8601)."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = mask(str(value))
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = mask(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)
