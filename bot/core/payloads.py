"""Choice payloads: the one definition of `name:argument`, what buttons carry back to the core.

A tapped button, a numbered choice, a Telegram callback, a WhatsApp reply id, a deep link and
a Rasa payload all become one of these. Rasa's own shapes are read too: `/name` and
`/name{"slot": "value"}` (the argument is the first value).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.core.vocabulary import fold, vocabulary

SEPARATOR = ":"
MAX_LENGTH = 64  # Telegram's callback_data limit, and more than any payload of ours needs
# The shape of a payload that arrives as typed text ("start_payment:confirm", "/menu",
# '/check_status{"reference": "PP-2025-000123"}').
_TYPED = re.compile(
    r"^/?(?P<name>[a-z_]{2,40})(?::(?P<argument>[\w:.-]{1,60})|(?P<json>\{.{0,200}\}))?$",
    re.DOTALL,
)

# A number typed to pick an option: "2", "2.", "#2", "option 2", "namba 2" (the words before
# the number are the `choice_number` meaning of knowledge/vocabulary.yaml).
_NUMBERED = re.compile(r"^\s*(?P<words>[^\d]*?)[\s#]*(?P<number>\d{1,2})\s*[.)]?\s*$")
# How a text channel numbers a list ("2. Make a payment"), copied back with the title.
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]\s+")
_TITLE_MARKS = " .,!?:;\"'"


@dataclass(frozen=True, slots=True)
class Payload:
    """A handler's name and its argument (possibly empty)."""

    name: str
    argument: str = ""

    @classmethod
    def parse(cls, raw: str) -> Payload:
        """Split `name:argument` at the first separator (the argument may hold more)."""
        name, _, argument = raw.strip().partition(SEPARATOR)
        return cls(name, argument)

    @classmethod
    def typed(cls, text: str) -> Payload | None:
        """Read a payload typed or sent as text; None when the text does not have its shape."""
        m = _TYPED.match(text.strip())
        if m is None:
            return None
        if m["json"] is None:
            return cls(m["name"], m["argument"] or "")
        try:
            values = json.loads(m["json"])
        except ValueError:
            return None
        if not isinstance(values, dict):
            return None
        first = next(iter(values.values()), "")
        return cls(m["name"], str(first) if isinstance(first, str | int) else "")

    def __str__(self) -> str:
        return f"{self.name}{SEPARATOR}{self.argument}" if self.argument else self.name


def payload(name: str, *parts: object) -> str:
    """Build the payload of a choice: `name`, or `name:part:part`."""
    return SEPARATOR.join([name, *(str(p) for p in parts)])


def argument_of(raw: str | None, name: str) -> str:
    """Return the argument of a tapped `name:<argument>` payload, or "" for anything else."""
    if not raw:
        return ""
    tapped = Payload.parse(raw)
    return tapped.argument if tapped.name == name else ""


def choice_number(text: str) -> int | None:
    """Return the number typed to pick a numbered option ("2", "option 2"), else None."""
    m = _NUMBERED.match(text)
    if m is None:
        return None
    words = m["words"].strip().rstrip(".:").strip()
    if words and not vocabulary().whole("choice_number", around="polite").matches(words):
        return None
    return int(m["number"])


def title_key(text: str) -> str:
    """Return an option's title as typed text is compared: folded, no numbering or end marks."""
    return fold(_LIST_NUMBER.sub("", text)).strip(_TITLE_MARKS)
