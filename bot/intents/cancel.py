"""Leave whatever flow is active: "cancel", "ghairi", /cancel."""

from __future__ import annotations

from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent
from bot.intents.menu import main_menu


class CancelIntent(Intent):
    """End the active flow and go back to the menu."""

    name = "cancel"
    title_msgid = N_("Cancel")
    command = "cancel"

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Forget the flow's answers and offer the menu."""
        had_flow = turn.session.flow is not None
        turn.session.end_flow()
        turn.session.misses = 0
        text = (
            turn._("Cancelled. What else can I help you with?")
            if had_flow
            else turn._("There is nothing to cancel. What can I help you with?")
        )
        return Result.of([main_menu(turn, text)])
