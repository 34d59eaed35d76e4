"""How to reach eCitizen support staff directly, when live chat with a person is not possible."""

from __future__ import annotations

from bot.core.messages import Reply, TextReply
from bot.core.turn import Turn


def contacts(turn: Turn) -> list[Reply]:
    """Give the support contacts in the conversation's language."""
    return [
        TextReply(
            turn._(
                "You can reach eCitizen support staff directly:\n"
                "- Email: support@ecitizen.go.ke\n"
                "- In person: any Huduma Centre"
            )
        )
    ]
