"""Notes announced to open chats: who is typing, and the pushed messages themselves."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.ports import LoggedMessage
from bot.core.presence import (
    MAX_CARRIED,
    carried_messages,
    messages_note,
    typing_name,
    typing_note,
)

NOW = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=UTC)


def test_typing_notes_name_the_agent_and_nothing_else() -> None:
    assert typing_name(typing_note("Achieng")) == "Achieng"
    assert typing_name(typing_note("x" * 500)) == "x" * 60
    assert typing_name("1") is None and carried_messages(typing_note("Achieng")) is None


def test_pushed_messages_travel_whole_in_their_note() -> None:
    messages = [LoggedMessage(7, "out", {"kind": "text", "text": "Malipo yamepokelewa ✓"}, NOW),
                LoggedMessage(8, "out", {"kind": "choices", "text": "Rate us",
                                         "choices": [{"title": "1", "payload": "rate:1"}]}, NOW)]
    note = messages_note(messages)
    assert note is not None and typing_name(note) is None
    assert carried_messages(note) == messages


def test_a_push_too_large_or_empty_is_announced_plainly() -> None:
    assert messages_note([]) is None
    big = LoggedMessage(1, "out", {"kind": "text", "text": "x" * MAX_CARRIED}, NOW)
    assert messages_note([big]) is None  # each page then reads it from the database


def test_a_note_we_cannot_read_asks_for_a_read() -> None:
    assert carried_messages("messages:not json") == []
    assert carried_messages('messages:[{"seq": "x"}]') == []
