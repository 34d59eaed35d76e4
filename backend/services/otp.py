"""One-time codes: issue, rate-limit, verify in constant time, lock out guessers."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.crud.citizens import find_by_identifier
from backend.crud.tokens import create_token
from backend.domain import DEFAULT_SCOPES
from backend.i18n import say
from backend.models import Citizen, CitizenToken, OtpChallenge, SigninThrottle
from backend.problems import ProblemError
from backend.services.identifiers import Identifier
from backend.services.senders import Channel, OutgoingMessage

CODE_DIGITS = 6

class LockoutCache:
    """Identifiers known to be locked out, so their guesses are refused without a query.

    The database stays the authority (other workers learn a lock on their first query); this
    only keeps a locked-out guesser from costing a database round trip per try.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        self._until: dict[str, datetime] = {}
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> datetime | None:
        """Return until when `key` is locked, if known."""
        return self._until.get(key)

    def remember(self, key: str, until: datetime) -> None:
        """Remember a lock, dropping the oldest entries when full."""
        with self._lock:
            if len(self._until) >= self._max:
                for old in list(self._until)[: self._max // 10]:
                    del self._until[old]
            self._until[key] = until


@dataclass(frozen=True, slots=True)
class Verified:
    """A successful verification: the raw token (shown once) and its row."""

    raw_token: str
    token: CitizenToken
    citizen: Citizen


class OtpService:
    """Issues and checks one-time codes; the HMAC key is the server's `otp_secret`."""

    def __init__(self, settings: BackendSettings) -> None:
        self._settings = settings
        self._key = settings.otp_secret.get_secret_value().encode()
        self._locked = LockoutCache()

    def forget_lockouts(self) -> None:
        """Drop the in-process lockout cache (tests; the database keeps the locks)."""
        self._locked = LockoutCache()

    def _cache_key(self, identifier: Identifier) -> str:
        return self._mac(f"identifier:{identifier.kind}:{identifier.value}")

    def refuse_if_known_locked(self, identifier: Identifier, now: datetime) -> None:
        """Raise `otp-locked` for an identifier known to be locked, without the database.

        Raises:
            ProblemError: `otp-locked` (429).
        """
        until = self._locked.get(self._cache_key(identifier))
        if until is not None and until > now:
            raise _locked(until, now)

    def _mac(self, message: str) -> str:
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def subject_for(self, identifier: Identifier, citizen: Citizen | None) -> str:
        """Key rate limits and lockouts by citizen, so the phone and ID forms share one budget."""
        raw = f"citizen:{citizen.id}" if citizen else f"{identifier.kind}:{identifier.value}"
        return self._mac("subject:" + raw)

    def request(
        self,
        *,
        session: Session,
        identifier: Identifier,
        chat_identity: str,
        channel: Channel,
        now: datetime,
    ) -> OutgoingMessage | None:
        """Issue a code; return the message to send after the response, if any.

        Unknown identifiers go through the same steps (a challenge nobody receives), so the
        answer and its timing do not tell whether an account exists.
        """
        citizen = find_by_identifier(session=session, identifier=identifier)
        subject = self.subject_for(identifier, citizen)
        self._check_send_rate(session=session, subject=subject, now=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        session.execute(  # a new code replaces any older one
            update(OtpChallenge)
            .where(OtpChallenge.subject == subject, OtpChallenge.consumed_at.is_(None))
            .values(consumed_at=now)
        )
        session.add(
            OtpChallenge(
                subject=subject,
                citizen_id=citizen.id if citizen else None,
                chat_identity=chat_identity,
                code_hash=self._mac(f"{subject}:{code}"),
                created_at=now,
                expires_at=now + self._settings.otp_ttl,
            )
        )
        session.commit()
        if citizen is None:
            return None
        language = citizen.preferred_language
        if citizen.signin_locked_at is not None:
            return OutgoingMessage(citizen.phone, "sms", say(
                language, "Sign-in to Msaidizi is locked on your account after a security "
                "report. Call eCitizen support to unlock it."))
        minutes = int(self._settings.otp_ttl.total_seconds() // 60)
        text = say(language, "Your Msaidizi one-time code is %(code)s. It expires in "
                   "%(minutes)d minutes. Never share it with anyone, not even staff.",
                   code=code, minutes=minutes)
        if channel == "email" and citizen.email:
            return OutgoingMessage(citizen.email, "email", text)
        return OutgoingMessage(citizen.phone, "sms", text)

    def _check_send_rate(self, *, session: Session, subject: str, now: datetime) -> None:
        s = self._settings
        since_hour = now - _HOUR
        rows = session.execute(
            select(func.count(), func.max(OtpChallenge.created_at)).where(
                OtpChallenge.subject == subject, OtpChallenge.created_at > since_hour
            )
        ).one()
        count, latest = int(rows[0]), rows[1]
        if latest is not None:
            wait = (latest + s.otp_resend_interval - now).total_seconds()
            if wait > 0:
                raise _rate_limited(wait)
        if count >= s.otp_max_per_hour:
            oldest = session.scalar(
                select(func.min(OtpChallenge.created_at)).where(
                    OtpChallenge.subject == subject, OtpChallenge.created_at > since_hour
                )
            )
            wait = (oldest + _HOUR - now).total_seconds() if oldest else 60.0
            raise _rate_limited(max(wait, 1.0))

    def verify(
        self,
        *,
        session: Session,
        identifier: Identifier,
        code: str,
        chat_identity: str,
        now: datetime,
        scopes: tuple[str, ...] = tuple(DEFAULT_SCOPES),
    ) -> Verified:
        """Check a code; on success consume it and issue a token bound to `chat_identity`.

        Raises:
            ProblemError: `otp-locked` (429) while locked, `otp-invalid` (400) otherwise.
        """
        cache_key = self._cache_key(identifier)
        self.refuse_if_known_locked(identifier, now)
        citizen = find_by_identifier(session=session, identifier=identifier)
        subject = self.subject_for(identifier, citizen)
        throttle = self._throttle(session=session, subject=subject, now=now)
        locked_until = throttle.locked_until
        if locked_until is not None and locked_until > now:
            session.rollback()
            self._locked.remember(cache_key, locked_until)
            raise _locked(locked_until, now)
        challenge = session.scalar(
            select(OtpChallenge)
            .where(OtpChallenge.subject == subject, OtpChallenge.consumed_at.is_(None))
            .order_by(OtpChallenge.id.desc())
            .limit(1)
        )
        # Always compute and compare a MAC, so a missing challenge costs the same time.
        expected = challenge.code_hash if challenge else self._mac("no-challenge")
        code_ok = hmac.compare_digest(self._mac(f"{subject}:{code}"), expected)
        usable = (
            challenge is not None
            and citizen is not None
            and citizen.signin_locked_at is None
            and challenge.expires_at > now
            and hmac.compare_digest(challenge.chat_identity, chat_identity)
        )
        if not (code_ok and usable):
            self._record_failure(session=session, throttle=throttle, now=now, cache_key=cache_key)
        assert challenge is not None
        assert citizen is not None
        consumed = session.execute(
            update(OtpChallenge)
            .where(OtpChallenge.id == challenge.id, OtpChallenge.consumed_at.is_(None))
            .values(consumed_at=now)
        )
        if getattr(consumed, "rowcount", 0) != 1:  # a parallel request used it first
            self._record_failure(session=session, throttle=throttle, now=now, cache_key=cache_key)
        throttle.failed_attempts, throttle.locked_until, throttle.updated_at = 0, None, now
        raw, token = create_token(
            session=session,
            citizen_id=citizen.id,
            chat_identity=chat_identity,
            scopes=scopes,
            ttl=self._settings.token_ttl,
            now=now,
        )
        session.commit()
        return Verified(raw, token, citizen)

    def _throttle(self, *, session: Session, subject: str, now: datetime) -> SigninThrottle:
        """Return the subject's throttle row, locked for this transaction."""
        stmt = select(SigninThrottle).where(SigninThrottle.subject == subject).with_for_update()
        throttle = session.scalar(stmt)
        if throttle is not None:
            return throttle
        try:
            with session.begin_nested():
                session.add(SigninThrottle(subject=subject, failed_attempts=0, updated_at=now))
        except IntegrityError:
            pass  # created by a parallel request; read theirs
        throttle = session.scalar(stmt)
        assert throttle is not None
        return throttle

    def _record_failure(
        self, *, session: Session, throttle: SigninThrottle, now: datetime, cache_key: str
    ) -> NoReturn:
        """Count a wrong try, lock after the maximum, commit, and raise."""
        throttle.failed_attempts += 1
        throttle.updated_at = now
        locked_until = None
        if throttle.failed_attempts >= self._settings.otp_max_attempts:
            locked_until = now + self._settings.otp_lockout
            throttle.failed_attempts, throttle.locked_until = 0, locked_until
        session.commit()
        if locked_until is not None:
            self._locked.remember(cache_key, locked_until)
            raise _locked(locked_until, now)
        raise ProblemError(400, "otp-invalid", "The code is wrong, used or expired.")


_HOUR = timedelta(hours=1)


def _rate_limited(wait_seconds: float) -> ProblemError:
    retry = max(1, math.ceil(wait_seconds))
    return ProblemError(
        429,
        "rate-limited",
        "Too many code requests. Wait before asking again.",
        headers={"Retry-After": str(retry)},
        retry_after_seconds=retry,
    )


def _locked(until: datetime, now: datetime) -> ProblemError:
    retry = max(1, math.ceil((until - now).total_seconds()))
    return ProblemError(
        429,
        "otp-locked",
        "Too many wrong codes. Sign-in by code is paused for a while.",
        headers={"Retry-After": str(retry)},
        retry_after_seconds=retry,
    )
