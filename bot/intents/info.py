"""Intents answered with guidance until their chat actions exist: what the citizen can do today."""

from __future__ import annotations

from bot.core.messages import Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent


class GuidanceIntent(Intent):
    """Answer an intent with one translated guidance text."""

    def __init__(self, name: str, title_msgid: str, text_msgid: str) -> None:
        self.name = name
        self.title_msgid = title_msgid
        self._text = text_msgid

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Give the guidance text."""
        turn.session.misses = 0
        return [TextReply(turn.t.gettext(self._text))]


GUIDANCE: tuple[tuple[str, str, str], ...] = (
    (
        "ticket_status",
        N_("Status of a support ticket"),
        N_(
            "Support tickets are handled by eCitizen support: email support@ecitizen.go.ke or "
            "call +254 780 206 206 with your ticket number."
        ),
    ),
)


def guidance_intents() -> list[GuidanceIntent]:
    """Return one guidance handler per intent in the table."""
    return [GuidanceIntent(name, title, text) for name, title, text in GUIDANCE]
