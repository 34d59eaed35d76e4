"""Notice a frustrated citizen (insults, shouting) so a person can step in."""

from __future__ import annotations

import re

from bot.core.vocabulary import vocabulary

_LETTERS = re.compile(r"[A-Za-z]")


def is_shouting(text: str) -> bool:
    """Return True for a long message written mostly in capitals, or one heavy with '!!!'."""
    letters = _LETTERS.findall(text)
    upper = sum(ch.isupper() for ch in letters)
    return (len(letters) >= 15 and upper / len(letters) >= 0.8) or text.count("!") >= 4


def is_frustrated(text: str) -> bool:
    """Return True when the message insults (vocabulary.yaml, "frustration") or shouts."""
    return vocabulary().anywhere("frustration").matches(text) or is_shouting(text)
