"""Sign-in by one-time code, and sign-out."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, status
from starlette.concurrency import run_in_threadpool

from backend.api.deps import ContainerDep
from backend.container import Container
from backend.core.deps import CitizenDep, ServiceAuthDep, SessionDep
from backend.core.domain import DEFAULT_SCOPES, Language
from backend.core.problems import ProblemError
from backend.core.schemas import PROBLEM_RESPONSES
from backend.core.tokens import revoke_token
from backend.schemas.auth import (
    CitizenBrief,
    LogoutOut,
    OtpRequestIn,
    OtpRequestOut,
    OtpVerifyIn,
    TokenOut,
)
from backend.services.identifiers import Identifier, parse_identifier
from backend.services.otp import Verified
from backend.services.senders import deliver

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=PROBLEM_RESPONSES)


def _identifier(raw: str) -> Identifier:
    identifier = parse_identifier(raw)
    if identifier is None:
        message = "an ID number (6-9 digits) or a Kenyan mobile number"
        raise ProblemError(
            422,
            "validation-error",
            f"identifier: {message}",
            errors=[{"field": "identifier", "message": message}],
        )
    return identifier


@router.post("/otp/request", status_code=status.HTTP_202_ACCEPTED)
def request_code(
    body: OtpRequestIn,
    background: BackgroundTasks,
    container: ContainerDep,
    session: SessionDep,
    _service: ServiceAuthDep,
) -> OtpRequestOut:
    """Send a one-time code to the phone (or email) on file; the answer never tells if one exists.

    The message goes out after the response, so a known identifier answers as fast as an
    unknown one.
    """
    message = container.otp.request(
        session=session,
        identifier=_identifier(body.identifier),
        chat_identity=body.chat_identity,
        channel=body.channel,
        now=container.clock(),
    )
    if message is not None:
        background.add_task(deliver, container.sender, message)
    s = container.settings
    return OtpRequestOut(
        expires_in_seconds=int(s.otp_ttl.total_seconds()),
        resend_after_seconds=int(s.otp_resend_interval.total_seconds()),
    )


@router.post("/otp/verify")
async def verify_code(
    body: OtpVerifyIn, container: ContainerDep, _service: ServiceAuthDep
) -> TokenOut:
    """Trade a correct code for a token bound to `chat_identity`.

    A chat locked out for an identifier is refused before any database work, so brute force
    is cheap to turn away.
    """
    identifier = _identifier(body.identifier)
    now = container.clock()
    container.otp.refuse_if_known_locked(identifier, body.chat_identity, now)
    verified = await run_in_threadpool(_verify, container, body, identifier, now)
    return TokenOut(
        token=verified.raw_token,
        expires_at=verified.token.expires_at,
        scopes=sorted(verified.token.scope_set),
        chat_identity=verified.token.chat_identity,
        citizen=CitizenBrief(
            id=verified.citizen.id,
            first_name=verified.citizen.first_name,
            preferred_language=Language(verified.citizen.preferred_language),
        ),
    )


def _verify(
    container: Container, body: OtpVerifyIn, identifier: Identifier, now: datetime
) -> Verified:
    scopes = tuple(body.scopes) if body.scopes else DEFAULT_SCOPES
    with container.session_factory() as session:
        return container.otp.verify(
            session=session,
            identifier=identifier,
            code=body.code,
            chat_identity=body.chat_identity,
            now=now,
            scopes=tuple(dict.fromkeys(scopes)),
        )


@router.post("/logout")
def logout(ctx: CitizenDep, container: ContainerDep, session: SessionDep) -> LogoutOut:
    """Revoke the token presented with this request."""
    revoke_token(token=ctx.token, reason="logout", now=container.clock())
    session.commit()
    return LogoutOut()
