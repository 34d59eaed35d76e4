"""Answer a number typed when it picks no option: which numbers there are, or that none are open."""

from __future__ import annotations

from bot.core.messages import ChoicesReply, TextReply
from bot.core.payloads import choice_number
from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent


class ChoiceNumberIntent(Intent):
    """Say which numbers can be chosen, offering the same options again, instead of guessing.

    A number that fits an option on screen never gets here: the core turns it into a tap.
    """

    name = "choice_number"
    title_msgid = N_("Choose an option")

    def match(self, turn: Turn) -> Match | None:
        """Match a message that is only a number ("7", "option 7") and was not a tap."""
        if turn.payload is None and choice_number(turn.text) is not None:
            return Match(100.0, self.name)
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Offer the options on screen again with their range, or say that none are open."""
        choices = tuple(turn.session.choices)
        if choices:
            text = turn._("Please choose a number from 1 to %(count)d, or tap an option.",
                          count=len(choices))
            return Result.of([ChoicesReply(text, choices)])
        return Result.of([TextReply(turn._(
            "There is no list of options open right now. Send \"menu\" to see what I can help "
            "with."))])
