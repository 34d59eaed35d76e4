"""When the matcher is unsure or lost: "did you mean", an honest "I don't know", then a person."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent

MISSES_BEFORE_OFFERING_A_PERSON = 2


class FallbackIntent(Intent):
    """The miss policy for the router, and the handler of its follow-up choices."""

    name = "fallback"
    title_msgid = N_("Something else")

    def handles(self, intent: str) -> bool:
        """Own the fallback payloads and the out-of-scope label."""
        return intent in (self.name, "out_of_scope")

    def did_you_mean(self, turn: Turn, options: Sequence[tuple[str, str]]) -> list[Reply]:
        """Offer the close candidates, plus a way out."""
        turn.session.data["did_you_mean"] = {
            "query": turn.text,
            "options": [payload for _, payload in options],
        }
        choices = [Choice(title, payload) for title, payload in options]
        choices.append(Choice(turn._("None of these"), "fallback:none"))
        return [ChoicesReply(turn._("I am not sure I understood. Did you mean:"), tuple(choices))]

    def miss(self, turn: Turn) -> list[Reply]:
        """Say honestly that there is no answer; after repeated misses offer a person."""
        turn.session.misses += 1
        if turn.session.misses >= MISSES_BEFORE_OFFERING_A_PERSON:
            return [
                ChoicesReply(
                    turn._(
                        "I still don't have an answer for that, sorry. Would you like to talk "
                        "to a person?"
                    ),
                    (
                        Choice(turn._("Yes, talk to a person"), "talk_to_human"),
                        Choice(turn._("No, I will rephrase"), "fallback:rephrase"),
                        Choice(turn._("Main menu"), "menu"),
                    ),
                )
            ]
        return [
            TextReply(
                turn._(
                    "Sorry, I don't know the answer to that. Could you say it in other words? "
                    "You can also write \"menu\" to see what I can do, or ask for a person."
                )
            )
        ]

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Handle "none of these", "I will rephrase", "solved" and out-of-scope messages."""
        argument = match.entities.get("argument", "")
        if argument == "rephrase":
            return [TextReply(turn._("All right. Please type your question in other words."))]
        if argument == "solved":
            turn.session.misses = 0
            return [TextReply(turn._("Glad I could help! Anything else?"))]
        return self.miss(turn)
