"""Notice a frustrated citizen (insults, shouting) so a person can step in."""

from __future__ import annotations

import re

_INSULTS = re.compile(
    r"\b(stupid|useless|idiot|idiots|nonsense|rubbish|dumb|fool|foolish|hopeless|pathetic|"
    r"waste of time|mjinga|wajinga|ujinga|fala|mafala|takataka|upuuzi|mpumbavu|wapumbavu|"
    r"shenzi|washenzi|bure kabisa|hamna maana|mnaboa|umeboa|unaboa|mmeboa)\b",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[A-Za-z]")


def is_shouting(text: str) -> bool:
    """Return True for a long message written mostly in capitals, or one heavy with '!!!'."""
    letters = _LETTERS.findall(text)
    upper = sum(ch.isupper() for ch in letters)
    return (len(letters) >= 15 and upper / len(letters) >= 0.8) or text.count("!") >= 4


def is_frustrated(text: str) -> bool:
    """Return True when the message insults or shouts."""
    return bool(_INSULTS.search(text)) or is_shouting(text)
