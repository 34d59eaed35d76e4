"""Notes announced to open chats: passing states (an agent typing) and pushed messages.

A push's announcement carries its messages, so each open page of the conversation sends
them on at once instead of reading them back from the database (a burst of 1,000 pushes
was 1,000 reads). A page that missed one, or got them out of order, reads as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.core.ports import LoggedMessage

_TYPING = "typing:"
_MESSAGES = "messages:"
MAX_CARRIED = 8_000  # characters; a larger push is announced plainly and read by each page
MAX_NAME = 60  # an agent's display name is at most this long


def typing_note(name: str) -> str:
    """Return the note announcing that `name` is writing to the citizen."""
    return _TYPING + name[:MAX_NAME]


def typing_name(note: str) -> str | None:
    """Return who is typing, when `note` says someone is; else None."""
    return note.removeprefix(_TYPING) or None if note.startswith(_TYPING) else None


def messages_note(messages: Sequence[LoggedMessage]) -> str | None:
    """Return the note carrying pushed messages, or None when they are too large to carry."""
    note = _MESSAGES + json.dumps(
        [{"seq": m.seq, "direction": m.direction, "body": m.body,
          "created_at": m.created_at.isoformat()} for m in messages],
        ensure_ascii=False, separators=(",", ":"))
    return note if messages and len(note) <= MAX_CARRIED else None


def carried_messages(note: str) -> list[LoggedMessage] | None:
    """Return the messages a note carries, oldest first; None for any other note."""
    if not note.startswith(_MESSAGES):
        return None
    try:
        return [LoggedMessage(int(m["seq"]), str(m["direction"]), dict(m["body"]),
                              datetime.fromisoformat(m["created_at"]))
                for m in json.loads(note.removeprefix(_MESSAGES))]
    except (ValueError, TypeError, KeyError):  # another publisher's note: read instead
        return []
