"""Application history notes: the system's own notes translated, an officer's words quoted."""

from __future__ import annotations

import ast

import pytest

from backend.services import applications
from bot.intents.office_notes import SYSTEM_NOTES, office_note
from tests.bot.intents.test_status_text import swahili_turn
from tests.conftest import REPO

WRITERS = {"change_status", "create_application"}  # the functions that write history notes


def test_the_assistant_knows_every_note_the_backend_writes() -> None:
    assert set(SYSTEM_NOTES) == set(applications.SYSTEM_NOTES)


def literal_notes() -> list[tuple[str, str]]:
    """Return (file, text) for each note written as a literal in a history-writing call."""
    found: list[tuple[str, str]] = []
    for path in sorted((REPO / "backend").rglob("*.py")):
        if path.name == "seed.py":  # demonstration data: officers' notes, on purpose
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in WRITERS:
                continue
            found.extend((path.name, kw.value.value) for kw in node.keywords
                         if kw.arg == "note" and isinstance(kw.value, ast.Constant))
    return found


def test_every_note_the_backend_writes_itself_is_translated() -> None:
    assert [(f, text) for f, text in literal_notes() if text not in SYSTEM_NOTES] == []


@pytest.mark.parametrize("note", SYSTEM_NOTES)
def test_a_system_note_is_said_in_swahili(note: str) -> None:
    shown = office_note(swahili_turn(), note)
    assert shown.startswith("Maelezo: ") and note not in shown


def test_an_officers_note_is_quoted_as_the_offices_own_words() -> None:
    shown = office_note(swahili_turn(), "Please bring the original ID to Nyayo House.")
    assert shown == ("Ofisi iliandika, kwa maneno yake: "
                     "\"Please bring the original ID to Nyayo House.\"")
