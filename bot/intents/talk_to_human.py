"""Requests for a person: until live handoff exists, say exactly how to reach one."""

from __future__ import annotations

from bot.core.messages import Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent, keyword_pattern


class TalkToHumanIntent(Intent):
    """Tell the citizen how to reach eCitizen support staff today."""

    name = "talk_to_human"
    title_msgid = N_("Talk to a person")
    rule = keyword_pattern(["/human", "agent", "human", "mhudumu", "mtu", "customer care"])

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Give the support contacts."""
        turn.session.misses = 0
        return [
            TextReply(
                turn._(
                    "You can reach eCitizen support staff directly:\n"
                    "- Email: support@ecitizen.go.ke\n"
                    "- Phone: +254 780 206 206 or +254 709 480 000\n"
                    "- Huduma contact centre: call 1919 (7 am to 9 pm)\n"
                    "- In person: any Huduma Centre"
                )
            )
        ]
