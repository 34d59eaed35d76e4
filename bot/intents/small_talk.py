"""Thanks and goodbyes: short, friendly, and leave the door open."""

from __future__ import annotations

from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent


class ThanksIntent(Intent):
    """Reply to thanks."""

    name = "thanks"
    topic = False
    title_msgid = N_("Say thank you")

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Acknowledge the thanks."""
        turn.session.misses = 0
        return Result.text(turn._("You are welcome! Is there anything else I can help with?"))


class GoodbyeIntent(Intent):
    """Reply to goodbyes."""

    name = "goodbye"
    topic = False
    title_msgid = N_("Say goodbye")

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Say goodbye and mention how to come back."""
        turn.session.end_flow()
        return Result.text(turn._("Goodbye! Write \"menu\" any time you need help again."))
