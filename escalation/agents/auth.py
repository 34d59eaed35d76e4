"""Console sign-in: Argon2 passwords, lockout, server-side sessions, CSRF tokens.

The session cookie holds a random token; the database keeps its SHA-256 and, beside it, the
session's CSRF token. Every state-changing console request must echo that CSRF token in
`X-CSRF-Token`. Before sign-in, a double-submit token (cookie + header) guards the sign-in
form itself against login CSRF.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core import lockouts
from backend.core.deps import SessionDep
from backend.core.problems import ProblemError
from escalation.models import Agent, AgentDevice, AgentSession, AgentSigninThrottle
from escalation.runtime import Escalation, EscalationDep
from escalation.seed import DEMO_PASSWORDS

logger = logging.getLogger(__name__)

SESSION_COOKIE = "msz_console"
DEVICE_COOKIE = "msz_console_device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days
PRE_CSRF_COOKIE = "msz_console_csrf"
CSRF_HEADER = "X-CSRF-Token"
_TOUCH_EVERY = timedelta(seconds=15)  # presence and idle timeout, without a write per poll


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def cookie_path(request: Request) -> str:
    """Return the console's path, including the mount prefix (/backend/console)."""
    return f"{request.scope.get('root_path', '').rstrip('/')}/console"


def set_cookie(
    response: Response, request: Request, esc: Escalation, name: str, value: str, max_age: int
) -> None:
    """Set an HttpOnly, SameSite=Strict cookie scoped to the console."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=cookie_path(request),
        httponly=True,
        samesite="strict",
        secure=esc.secure_cookies,
    )


def clear_cookie(response: Response, request: Request, esc: Escalation, name: str) -> None:
    """Remove a console cookie."""
    response.delete_cookie(
        name, path=cookie_path(request), httponly=True, samesite="strict",
        secure=esc.secure_cookies,
    )


def new_token() -> str:
    """Return a fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _subject(email: str, device_hash: str | None) -> str:
    """Key failures by address and browser: a known browser has its own count."""
    return _sha256(f"{email.strip().lower()}|" + (f"device|{device_hash}" if device_hash
                                                   else "unknown"))


def _known_device(session: Session, agent: Agent | None, device_token: str | None
                  ) -> AgentDevice | None:
    if agent is None or not device_token:
        return None
    return session.scalar(select(AgentDevice).where(
        AgentDevice.agent_id == agent.id, AgentDevice.token_hash == _sha256(device_token)))


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A successful sign-in: the agent, the new session, and a new device cookie if any."""

    agent: Agent
    raw_token: str
    row: AgentSession
    new_device_token: str | None


def sign_in(
    *, session: Session, esc: Escalation, email: str, password: str, now: datetime,
    device_token: str | None = None, client: str | None = None,
) -> SignedIn:
    """Check the password; return the agent, the session, and a device cookie to set.

    Failures are counted per e-mail address and browser, whether or not the address belongs
    to anyone, so the lockout reveals nothing. A browser the agent signed in from before
    keeps its own count: a stranger's guesses lock the stranger's browsers, never the
    agent's; a supervisor can lift any lock. Each client address has a budget of failures.

    Raises:
        ProblemError: `rate-limited` (429) past the address's attempts, `sign-in-locked`
            (429) while locked out, `sign-in-failed` (401).
    """
    # Only failures use the address's budget: a busy office behind one address signs in freely.
    esc.limiter.check(esc.settings.signin_per_ip, "console-signin", client or "?", count=False)
    normalized = email.strip().lower()
    agent = session.scalar(select(Agent).where(func.lower(Agent.email) == normalized))
    device = _known_device(session, agent, device_token)
    try:
        throttle = esc.lockout.enter(
            session, _subject(normalized, device.token_hash if device else None), now)
    except lockouts.Locked as locked:
        raise lockouts.locked_problem("sign-in-locked", locked.until, now) from None
    stored = agent.password_hash if agent is not None and agent.active else None
    ok = esc.passwords.verify(stored, password)
    if ok and esc.production and password in DEMO_PASSWORDS:
        ok = False  # a public demo password must never open a production console
    if not ok or agent is None:
        esc.limiter.hit(esc.settings.signin_per_ip, "console-signin", client or "?")
        until = esc.lockout.fail(throttle, now)
        session.commit()
        if until is not None:
            logger.warning("Console sign-in locked after repeated failures")
            raise lockouts.locked_problem("sign-in-locked", until, now)
        raise ProblemError(401, "sign-in-failed", "The e-mail address or password is wrong.")
    esc.lockout.succeed(throttle, now)
    if esc.passwords.needs_rehash(agent.password_hash):
        agent.password_hash = esc.passwords.hash(password)
    new_device = None
    if device is None:
        new_device = new_token()
        session.add(AgentDevice(agent_id=agent.id, token_hash=_sha256(new_device),
                                created_at=now, last_used_at=now))
    else:
        device.last_used_at = now
    raw = new_token()
    row = AgentSession(
        agent_id=agent.id,
        token_hash=_sha256(raw),
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + esc.settings.session_ttl,
    )
    session.add(row)
    agent.last_seen_at = now
    session.commit()
    logger.info("Console sign-in: agent %d", agent.id)
    return SignedIn(agent, raw, row, new_device)


def unlock(*, session: Session, email: str, now: datetime) -> None:
    """Lift every sign-in lock of an address (unknown browsers and each known one)."""
    normalized = email.strip().lower()
    subjects = [_subject(normalized, None)]
    agent = session.scalar(select(Agent).where(func.lower(Agent.email) == normalized))
    if agent is not None:
        subjects += [_subject(normalized, d.token_hash) for d in session.scalars(
            select(AgentDevice).where(AgentDevice.agent_id == agent.id))]
    lockouts.release(session, AgentSigninThrottle, subjects, now)


def sign_out(*, session: Session, row: AgentSession, now: datetime) -> None:
    """Revoke a console session."""
    row.revoked_at = now
    session.commit()


def revoke_sessions(*, session: Session, agent_id: int, now: datetime) -> None:
    """Revoke every live session of an agent (password change, deactivation)."""
    for row in session.scalars(
        select(AgentSession).where(
            AgentSession.agent_id == agent_id, AgentSession.revoked_at.is_(None)
        )
    ):
        row.revoked_at = now


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """The signed-in agent and their session."""

    agent: Agent
    session: AgentSession


def current_user(request: Request, session: SessionDep, esc: EscalationDep) -> ConsoleUser:
    """Authenticate the session cookie; refresh presence now and then."""
    raw = request.cookies.get(SESSION_COOKIE)
    row = None
    if raw:
        row = session.scalar(select(AgentSession).where(AgentSession.token_hash == _sha256(raw)))
    now = esc.clock()
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + esc.settings.session_idle <= now
    ):
        raise ProblemError(401, "session-required", "Sign in to the console.")
    agent = session.get(Agent, row.agent_id)
    if agent is None or not agent.active:
        raise ProblemError(401, "session-required", "Sign in to the console.")
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        agent.last_seen_at = now
        session.commit()
    return ConsoleUser(agent, row)


CurrentUserDep = Annotated[ConsoleUser, Depends(current_user)]


async def csrf_user(
    user: CurrentUserDep,
    token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> ConsoleUser:
    """Demand the session's CSRF token on a state-changing request."""
    if token is None or not hmac.compare_digest(token.encode(), user.session.csrf_token.encode()):
        raise ProblemError(403, "csrf-invalid", f"Send the session's {CSRF_HEADER} header.")
    return user


CsrfUserDep = Annotated[ConsoleUser, Depends(csrf_user)]


async def check_pre_csrf(
    request: Request, token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None
) -> None:
    """Demand the double-submit token (cookie and header) on the sign-in request."""
    cookie = request.cookies.get(PRE_CSRF_COOKIE)
    if not cookie or token is None or not hmac.compare_digest(cookie.encode(), token.encode()):
        raise ProblemError(403, "csrf-invalid", "Reload the sign-in page and try again.")
