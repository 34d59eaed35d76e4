"""Passing states announced to open chats (an agent typing), as signal notes."""

from __future__ import annotations

_TYPING = "typing:"
MAX_NAME = 60  # an agent's display name is at most this long


def typing_note(name: str) -> str:
    """Return the note announcing that `name` is writing to the citizen."""
    return _TYPING + name[:MAX_NAME]


def typing_name(note: str) -> str | None:
    """Return who is typing, when `note` says someone is; else None."""
    return note.removeprefix(_TYPING) or None if note.startswith(_TYPING) else None
