"""The chat's sign-in: it ends on expiry, and a web chat's after a while without messages."""

from __future__ import annotations

from datetime import timedelta

from bot.core.backend import Linked
from bot.core.session import Session
from bot.core.signin import current_auth, remember_sign_in
from common.timezone import utcnow


def _linked() -> Linked:
    return Linked("msz_token", utcnow() + timedelta(days=30), 7, "Wanjiru", "sw")


def test_web_chat_link_ends_after_the_idle_time() -> None:
    session = Session("webchat:w1", "webchat", "w1")
    remember_sign_in(session, _linked(), idle=timedelta(minutes=30))
    session.last_inbound_at = utcnow() - timedelta(minutes=29)
    assert current_auth(session) is not None
    session.last_inbound_at = utcnow() - timedelta(minutes=31)
    assert current_auth(session) is None
    assert "auth" not in session.data  # forgotten, not just hidden


def test_link_without_idle_time_lasts_until_it_expires() -> None:
    session = Session("telegram:1", "telegram", "1")
    remember_sign_in(session, _linked())
    session.last_inbound_at = utcnow() - timedelta(days=20)
    assert current_auth(session) is not None
    session.data["auth"]["expires_at"] = (utcnow() - timedelta(seconds=1)).isoformat()
    assert current_auth(session) is None
