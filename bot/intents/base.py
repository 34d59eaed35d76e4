"""Shared plumbing for intent handlers that answer one intent in one turn."""

from __future__ import annotations

from bot.core.results import Result
from bot.core.routing import Match
from bot.core.turn import Turn
from bot.core.vocabulary import vocabulary


def is_command(meaning: str, text: str) -> bool:
    """Return True when `text` is only a word of `meaning` (vocabulary.yaml), maybe polite."""
    return vocabulary().whole(meaning, around="polite").matches(text)


class Intent:
    """A handler for one NLU intent, optionally with command words that recognise it outright."""

    name: str = ""
    title_msgid: str = ""
    topic: bool = True  # offered as a topic close to a question we cannot answer
    command: str = ""  # the meaning in knowledge/vocabulary.yaml whose words are this command

    def handles(self, intent: str) -> bool:
        """Return True for this handler's own intent name."""
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        """Return the translated short label of the intent."""
        return turn.t.gettext(self.title_msgid)

    def match(self, turn: Turn) -> Match | None:
        """Match outright when the whole message is one of the command's words."""
        if self.command and is_command(self.command, turn.text):
            return Match(100.0, self.name)
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Answer the turn: the replies, and the events that happened."""
        raise NotImplementedError
