"""Answer greetings with a welcome and the menu."""

from __future__ import annotations

from bot.core.results import Result
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent
from bot.intents.menu import main_menu


class GreetIntent(Intent):
    """Welcome the citizen and show what the assistant can do."""

    name = "greet"
    topic = False
    title_msgid = N_("Say hello")

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Greet and show the menu."""
        text = turn._(
            "Hello! I am Msaidizi, the eCitizen helpdesk assistant. Ask me a question in English "
            "or Kiswahili, or choose an option below."
        )
        return Result.of([main_menu(turn, text)])
