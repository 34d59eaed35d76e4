"""Notes in an application's history: the system's own notes translated, officers' words quoted.

The backend writes a few notes itself (backend/services/applications.py, SYSTEM_NOTES); their
English text is the msgid, so they are translated like any message. Anything else was written
by an officer: it is shown as the office's own words, in the language they wrote it in.
"""

from __future__ import annotations

from bot.core.text import N_
from bot.core.turn import Turn

SYSTEM_NOTES = (
    N_("Application started."),
    N_("Payment received. Your application has been submitted."),
)


def office_note(turn: Turn, note: str) -> str:
    """Return the line that shows `note`: translated if the system wrote it, else quoted."""
    text = note.strip()
    if text in SYSTEM_NOTES:
        return turn._("Note: %(note)s", note=turn.t.gettext(text))
    return turn._("The office wrote, in its own words: \"%(note)s\"", note=text)
