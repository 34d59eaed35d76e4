"""Thanks and goodbyes: short, friendly, and leave the door open."""

from __future__ import annotations

from bot.core.messages import Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent


class ThanksIntent(Intent):
    """Reply to thanks."""

    name = "thanks"
    title_msgid = N_("Say thank you")

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Acknowledge the thanks."""
        turn.session.misses = 0
        return [TextReply(turn._("You are welcome! Is there anything else I can help with?"))]


class GoodbyeIntent(Intent):
    """Reply to goodbyes."""

    name = "goodbye"
    title_msgid = N_("Say goodbye")

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Say goodbye and mention how to come back."""
        turn.session.end_flow()
        return [TextReply(turn._("Goodbye! Write \"menu\" any time you need help again."))]
