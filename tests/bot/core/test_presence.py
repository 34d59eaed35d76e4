"""Notes announced to open chats: who is typing, and the pushed messages themselves."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.core.ports import LoggedMessage
from bot.core.presence import MAX_CARRIED, Announcer, typing_name, typing_note

NOW = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=UTC)
ANNOUNCER = Announcer.from_secret("the workers' sealing key")


def _messages(first: int = 7) -> list[LoggedMessage]:
    return [LoggedMessage(first, "out", {"kind": "text", "text": "Malipo yamepokelewa ✓"}, NOW),
            LoggedMessage(first + 1, "out", {"kind": "choices", "text": "Rate us",
                                             "choices": [{"title": "1", "payload": "rate:1"}]},
                          NOW)]


def test_typing_notes_name_the_agent_and_nothing_else() -> None:
    assert typing_name(typing_note("Achieng")) == "Achieng"
    assert typing_name(typing_note("x" * 500)) == "x" * 60
    assert typing_name("1") is None and ANNOUNCER.carried(typing_note("Achieng")) is None


def test_pushed_messages_travel_whole_in_their_note() -> None:
    note = ANNOUNCER.note(_messages())
    assert note is not None and typing_name(note) is None
    assert ANNOUNCER.carried(note) == _messages()


def test_a_push_too_large_or_empty_is_announced_plainly() -> None:
    assert ANNOUNCER.note([]) is None
    big = LoggedMessage(1, "out", {"kind": "text", "text": "x" * MAX_CARRIED}, NOW)
    assert ANNOUNCER.note([big]) is None  # each page then reads it from the database


def test_a_note_not_signed_by_the_workers_is_never_shown() -> None:
    forged = Announcer.from_secret("someone with access to Redis").note(_messages())
    assert forged is not None and ANNOUNCER.carried(forged) == []
    note = ANNOUNCER.note(_messages())
    assert note is not None
    signature, _, payload = note.removeprefix("messages:").partition(":")
    changed = payload.replace("Malipo yamepokelewa", "Lipa kwa till 999999")
    assert ANNOUNCER.carried(f"messages:{signature}:{changed}") == []


def test_a_signed_note_of_the_wrong_shape_is_not_shown_either() -> None:
    def signed(entries: object) -> str:
        payload = json.dumps(entries)
        return f"messages:{ANNOUNCER._sign(payload)}:{payload}"

    gap = [{"seq": 3, "direction": "out", "body": {}, "created_at": NOW.isoformat()},
           {"seq": 10**9, "direction": "out", "body": {}, "created_at": NOW.isoformat()}]
    inbound = [{"seq": 3, "direction": "in", "body": {}, "created_at": NOW.isoformat()}]
    naive = [{"seq": 3, "direction": "out", "body": {}, "created_at": "2026-12-07T09:30:00"}]
    for entries in (gap, inbound, naive, [{"seq": "x"}], {"seq": 3}):
        assert ANNOUNCER.carried(signed(entries)) == [], entries
    deep = "[" * 7_000  # within the size limit, deeper than the parser recurses
    assert ANNOUNCER.carried(f"messages:{ANNOUNCER._sign(deep)}:{deep}") == []
    assert ANNOUNCER.carried("messages:not json") == []
