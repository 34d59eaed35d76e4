"""The chat's sign-in as the session keeps it: reading, remembering and forgetting it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.backend import ChatAuth, Linked
from bot.core.session import Session
from common.timezone import utcnow

AUTH = "auth"
CONSENT = "consent"


def chat_identity(session: Session) -> str:
    """Return the chat identity the backend binds sign-ins to (channel:sender)."""
    return f"{session.channel}:{session.sender_id}"


def current_auth(session: Session) -> ChatAuth | None:
    """Return the chat's sign-in if there is one and it has neither expired nor gone idle.

    A web chat may be on a shared computer: its link ends after a while without messages.
    """
    auth = session.data.get(AUTH)
    if not auth:
        return None
    now = utcnow()
    idle = auth.get("idle_seconds")
    went_idle = bool(idle) and session.last_inbound_at is not None and (
        (now - session.last_inbound_at).total_seconds() > float(idle))
    if datetime.fromisoformat(auth["expires_at"]) <= now or went_idle:
        forget_sign_in(session)
        return None
    return ChatAuth(auth["token"], chat_identity(session))


def remember_sign_in(session: Session, linked: Linked, idle: timedelta | None = None) -> None:
    """Keep the sign-in the backend just issued (ending after `idle` without messages)."""
    session.data[AUTH] = {
        "token": linked.token,
        "expires_at": linked.expires_at.isoformat(),
        "citizen_id": linked.citizen_id,
        "first_name": linked.first_name,
        "preferred_language": linked.preferred_language,
        "linked_at": utcnow().isoformat(),
        "idle_seconds": idle.total_seconds() if idle else None,
    }


def profile_language(session: Session) -> str | None:
    """Return the language on the linked eCitizen profile, if the chat is linked."""
    auth = session.data.get(AUTH) or {}
    language = auth.get("preferred_language")
    return language if isinstance(language, str) else None


def forget_sign_in(session: Session) -> None:
    """Drop the chat's sign-in (logged out, expired or revoked)."""
    session.data.pop(AUTH, None)
