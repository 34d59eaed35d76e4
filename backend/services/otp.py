"""One-time codes: issue, rate-limit, verify in constant time, lock out guessers."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.config import BackendSettings
from backend.core import lockouts
from backend.core.domain import DEFAULT_SCOPES
from backend.core.i18n import say
from backend.core.problems import ProblemError, too_many
from backend.core.tokens import create_token
from backend.crud.citizens import find_by_identifier
from backend.models import Citizen, CitizenToken, OtpChallenge, SigninThrottle
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
        self._lockout = lockouts.Lockout(
            SigninThrottle, lockouts.LockPolicy(settings.otp_max_attempts, settings.otp_lockout))

    def forget_lockouts(self) -> None:
        """Drop the in-process lockout cache (tests; the database keeps the locks)."""
        self._locked = LockoutCache()

    def _cache_key(self, identifier: Identifier, chat_identity: str) -> str:
        return self._mac(f"identifier:{identifier.kind}:{identifier.value}:{chat_identity}")

    def refuse_if_known_locked(self, identifier: Identifier, chat_identity: str,
                               now: datetime) -> None:
        """Raise `otp-locked` for a chat known to be locked out, without the database.

        Raises:
            ProblemError: `otp-locked` (429).
        """
        until = self._locked.get(self._cache_key(identifier, chat_identity))
        if until is not None and until > now:
            raise _locked(until, now)

    def _mac(self, message: str) -> str:
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def subject_for(self, identifier: Identifier, citizen: Citizen | None) -> str:
        """Key a citizen's codes by citizen, so the phone and ID forms reach the same account."""
        raw = f"citizen:{citizen.id}" if citizen else f"{identifier.kind}:{identifier.value}"
        return self._mac("subject:" + raw)

    def _request_key(self, identifier: Identifier, chat_identity: str) -> str:
        """Key the visible rate limit by what was typed and where, never by the account.

        An answer that depended on the account (its other identifier, its other chats) would
        tell a stranger which phone belongs to which ID number.
        """
        return self._mac(f"typed:{identifier.kind}:{identifier.value}:{chat_identity}")

    def _guess_key(self, subject: str, chat_identity: str) -> str:
        """Key wrong-code counting by account and chat: a stranger locks only their own chat."""
        return self._mac(f"guesses:{subject}:{chat_identity}")

    def request(
        self,
        *,
        session: Session,
        identifier: Identifier,
        chat_identity: str,
        channel: Channel,
        now: datetime,
    ) -> OutgoingMessage | None:
        """Issue a code for this chat; return the message to send after the response, if any.

        Unknown identifiers go through the same steps (a challenge nobody receives), so the
        answer and its timing do not tell whether an account exists. A new code replaces only
        the older code of the same chat: asking from elsewhere never cancels the citizen's.
        """
        citizen = find_by_identifier(session=session, identifier=identifier)
        subject = self.subject_for(identifier, citizen)
        request_key = self._request_key(identifier, chat_identity)
        self._check_send_rate(session=session, request_key=request_key, now=now)
        quiet = citizen is not None and self._over_account_cap(
            session=session, citizen=citizen, subject=subject, chat_identity=chat_identity, now=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        session.execute(
            update(OtpChallenge)
            .where(OtpChallenge.subject == subject, OtpChallenge.chat_identity == chat_identity,
                   OtpChallenge.consumed_at.is_(None))
            .values(consumed_at=now)
        )
        session.add(
            OtpChallenge(
                subject=subject,
                request_key=request_key,
                citizen_id=citizen.id if citizen else None,
                chat_identity=chat_identity,
                code_hash=self._mac(f"{subject}:{code}"),
                created_at=now,
                expires_at=now + self._settings.otp_ttl,
            )
        )
        session.commit()
        if citizen is None or quiet:
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
            return OutgoingMessage(citizen.email, "email", text, code, self._settings.otp_ttl)
        return OutgoingMessage(citizen.phone, "sms", text, code, self._settings.otp_ttl)

    def _check_send_rate(self, *, session: Session, request_key: str, now: datetime) -> None:
        """Refuse a request for the same identifier in the same chat too soon or too often."""
        s = self._settings
        since_hour = now - _HOUR
        count, latest, oldest = session.execute(
            select(func.count(), func.max(OtpChallenge.created_at),
                   func.min(OtpChallenge.created_at))
            .where(OtpChallenge.request_key == request_key, OtpChallenge.created_at > since_hour)
        ).one()
        if latest is not None:
            wait = (latest + s.otp_resend_interval - now).total_seconds()
            if wait > 0:
                raise _rate_limited(wait)
        if int(count) >= s.otp_max_per_hour:
            raise _rate_limited(max((oldest + _HOUR - now).total_seconds(), 1.0))

    def _over_account_cap(self, *, session: Session, citizen: Citizen, subject: str,
                          chat_identity: str, now: datetime) -> bool:
        """Tell whether strangers' chats used up the account's hourly SMS budget.

        Past that budget no SMS goes to the citizen's phone from a chat they never used, but
        the answer is the same, so nobody learns about the account. A chat where the citizen
        signed in before keeps its own budget: strangers cannot keep them out.
        """
        known = session.scalar(
            select(CitizenToken.id).where(CitizenToken.citizen_id == citizen.id,
                                          CitizenToken.chat_identity == chat_identity).limit(1)
        )
        if known is not None:
            return False
        sent = session.scalar(
            select(func.count()).select_from(OtpChallenge).where(
                OtpChallenge.subject == subject, OtpChallenge.created_at > now - _HOUR)
        )
        return int(sent or 0) >= self._settings.otp_max_per_hour_account

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
            ProblemError: `otp-locked` (429) while this chat is locked, `otp-invalid` (400).
        """
        cache_key = self._cache_key(identifier, chat_identity)
        self.refuse_if_known_locked(identifier, chat_identity, now)
        citizen = find_by_identifier(session=session, identifier=identifier)
        subject = self.subject_for(identifier, citizen)
        try:
            throttle = self._lockout.enter(session, self._guess_key(subject, chat_identity), now)
        except lockouts.Locked as locked:
            self._locked.remember(cache_key, locked.until)
            raise _locked(locked.until, now) from None
        challenge = session.scalar(
            select(OtpChallenge)
            .where(OtpChallenge.subject == subject, OtpChallenge.chat_identity == chat_identity,
                   OtpChallenge.consumed_at.is_(None))
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
        self._lockout.succeed(throttle, now)
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

    def _record_failure(
        self, *, session: Session, throttle: SigninThrottle, now: datetime, cache_key: str
    ) -> NoReturn:
        """Count a wrong try, lock after the maximum, commit, and raise."""
        until = self._lockout.fail(throttle, now)
        session.commit()
        if until is not None:
            self._locked.remember(cache_key, until)
            raise _locked(until, now)
        raise ProblemError(400, "otp-invalid", "The code is wrong, used or expired.")


_HOUR = timedelta(hours=1)


def _rate_limited(wait_seconds: float) -> ProblemError:
    return too_many("rate-limited", wait_seconds,
                    "Too many code requests. Wait before asking again.")


def _locked(until: datetime, now: datetime) -> ProblemError:
    return lockouts.locked_problem(
        "otp-locked", until, now, "Too many wrong codes. Sign-in by code is paused for a while.")
