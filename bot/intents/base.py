"""Shared plumbing for intent handlers that answer one intent in one turn."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.results import Result
from bot.core.routing import Match
from bot.core.turn import Turn


def keyword_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Build a pattern that matches a message made only of one of `words` (plus politeness)."""
    options = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    polite = r"(?:please|pls|plz|tafadhali|sasa|bana|jo)"
    return re.compile(rf"^\s*(?:{polite}\s+)?(?:{options})(?:\s+{polite})?\s*[.!?]*\s*$", re.I)


class Intent:
    """A handler for one NLU intent, optionally with a rule that recognises it outright."""

    name: str = ""
    title_msgid: str = ""
    rule: re.Pattern[str] | None = None

    def handles(self, intent: str) -> bool:
        """Return True for this handler's own intent name."""
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        """Return the translated short label of the intent."""
        return turn.t.gettext(self.title_msgid)

    def match(self, turn: Turn) -> Match | None:
        """Match outright when the rule recognises the whole message."""
        if self.rule is not None and self.rule.search(turn.text):
            return Match(100.0, self.name)
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Answer the turn: the replies, and the events that happened."""
        raise NotImplementedError
