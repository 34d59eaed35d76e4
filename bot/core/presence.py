"""Notes announced to open chats: passing states (an agent typing) and pushed messages.

A push's announcement carries its messages, so each open page of the conversation sends
them on at once instead of reading them back from the database (a burst of 1,000 pushes
was 1,000 reads). A page that missed one, or got them out of order, reads as before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

from bot.core.ports import LoggedMessage

_TYPING = "typing:"
_MESSAGES = "messages:"
MAX_NAME = 60  # an agent's display name is at most this long
MAX_CARRIED = 8_000  # characters; a larger push is announced plainly and read by each page
MAX_CARRIED_MESSAGES = 20


def typing_note(name: str) -> str:
    """Return the note announcing that `name` is writing to the citizen."""
    return _TYPING + name[:MAX_NAME]


def typing_name(note: str) -> str | None:
    """Return who is typing, when `note` says someone is; else None."""
    return note.removeprefix(_TYPING) or None if note.startswith(_TYPING) else None


class Announcer:
    """Writes the messages a push's announcement carries, signed, and reads them back.

    Whoever can publish on Redis could otherwise put on a citizen's page text that was never
    stored (a fake payment link), and move the page past real messages. A note whose
    signature, order or shape is wrong is not shown: the page reads the database instead.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_secret(cls, secret: str) -> Announcer:
        """Derive the signing key from the installation's sealing key (shared by workers)."""
        return cls(hashlib.sha256(b"msaidizi announcements\x00" + secret.encode()).digest())

    def note(self, messages: Sequence[LoggedMessage]) -> str | None:
        """Return the note carrying pushed messages; None when there are none or too many."""
        if not messages or len(messages) > MAX_CARRIED_MESSAGES:
            return None
        payload = json.dumps(
            [{"seq": m.seq, "direction": m.direction, "body": m.body,
              "created_at": m.created_at.isoformat()} for m in messages],
            ensure_ascii=False, separators=(",", ":"))
        note = f"{_MESSAGES}{self._sign(payload)}:{payload}"
        return note if len(note) <= MAX_CARRIED else None

    def carried(self, note: str) -> list[LoggedMessage] | None:
        """Return the messages a note carries, oldest first; [] when it cannot be trusted.

        None means the note is about something else (a passing state).
        """
        if not note.startswith(_MESSAGES):
            return None
        signature, _, payload = note.removeprefix(_MESSAGES).partition(":")
        if len(note) > MAX_CARRIED or not hmac.compare_digest(signature, self._sign(payload)):
            return []
        try:
            messages = [LoggedMessage(int(m["seq"]), str(m["direction"]), dict(m["body"]),
                                      datetime.fromisoformat(m["created_at"]))
                        for m in json.loads(payload)]
        except (ValueError, TypeError, KeyError, RecursionError):
            return []
        ordered = all(b.seq == a.seq + 1 for a, b in pairwise(messages))
        pushed = all(m.direction == "out" and m.created_at.tzinfo is not None for m in messages)
        return messages if ordered and pushed else []

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()
