"""The session keeps whether the conversation has a language, across storage."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.session import Session
from common.timezone import utcnow


def _restored(record: dict[str, Any]) -> Session:
    return Session.from_record(conversation_id="webchat:s1", channel="webchat", sender_id="s1",
                               record=record, version=1, updated_at=utcnow())


def test_session_settled_language_survives_storage() -> None:
    session = Session("webchat:s1", "webchat", "s1")
    assert not session.has_language
    session.settle_locale("sw")
    restored = _restored(session.to_record())
    assert restored.locale == "sw" and restored.has_language and not restored.locale_explicit


def test_session_explicit_language_is_settled_too() -> None:
    session = Session("webchat:s1", "webchat", "s1")
    session.settle_locale("en", explicit=True)
    restored = _restored(session.to_record())
    assert restored.locale_explicit and restored.locale_settled


@pytest.mark.parametrize(("history", "settled"), [([], False),
                                                  ([{"role": "citizen", "text": "hi"}], True)])
def test_session_stored_before_the_flag_counts_a_conversation_under_way_as_settled(
    history: list[dict[str, str]], settled: bool,
) -> None:
    assert _restored({"locale": "en", "history": history}).locale_settled is settled
