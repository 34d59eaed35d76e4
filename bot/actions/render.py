"""Msaidizi's replies as Rasa responses: text, buttons carrying our choice payloads, links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.messages import ChoicesReply, LinkReply, Reply, render_as_text


def utter(dispatcher: Any, replies: Sequence[Reply]) -> None:
    """Send each reply through rasa-sdk's dispatcher.

    Choices become buttons whose payload is Msaidizi's own choice payload; Rasa's channel
    sends it back as text, and Msaidizi's NLU server recognises it as a tap. A link is its
    text followed by the URL, which every channel can show.
    """
    for reply in replies:
        if isinstance(reply, ChoicesReply):
            buttons = [{"title": c.title, "payload": c.payload} for c in reply.choices]
            dispatcher.utter_message(text=reply.text, buttons=buttons)
        elif isinstance(reply, LinkReply):
            dispatcher.utter_message(text=render_as_text(reply))
        else:
            dispatcher.utter_message(text=reply.text)
