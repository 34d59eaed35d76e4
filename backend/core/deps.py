"""Request dependencies: a session, service and citizen authentication, Idempotency-Key."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header, Path
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from backend.core import audit
from backend.core.models import Citizen, CitizenToken
from backend.core.problems import ProblemError
from backend.core.services import CoreServices, CoreServicesDep
from backend.core.tokens import find_token

_service_key_header = APIKeyHeader(
    name="X-Service-Key", auto_error=False, description="The assistant's service key"
)
_bearer = HTTPBearer(auto_error=False, description="Citizen token from /auth/otp/verify")
_LAST_USED_GRANULARITY = timedelta(minutes=1)
MAX_ID = 2**31 - 1  # ids are 32-bit integers; bigger numbers are bad input, not a 500

DbId = Annotated[int, Path(ge=1, le=MAX_ID)]


# Dependencies that do no I/O are `async def` so FastAPI does not hop to a worker thread for
# each of them; the ones that touch the database stay `def`.
def get_session(container: CoreServicesDep) -> Iterator[Session]:
    """Yield a session for one request."""
    with container.session_factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True, slots=True)
class ServiceCaller:
    """An authenticated calling service (the assistant)."""

    name: str


async def require_service(
    container: CoreServicesDep,
    key: Annotated[str | None, Depends(_service_key_header)] = None,
) -> ServiceCaller:
    """Check the X-Service-Key header in constant time."""
    expected = container.settings.service_key.get_secret_value().encode()
    if key is None or not hmac.compare_digest(key.encode(), expected):
        raise ProblemError(401, "service-key-invalid", "Send the service key in X-Service-Key.")
    return ServiceCaller("assistant")


ServiceAuthDep = Annotated[ServiceCaller, Depends(require_service)]


@dataclass(frozen=True, slots=True)
class CitizenContext:
    """The citizen a request acts for, through which token and service."""

    citizen: Citizen
    token: CitizenToken
    service: ServiceCaller

    def audit(self, session: Session, container: CoreServices, resource: str) -> None:
        """Record a read of this citizen's personal data."""
        audit.record(
            session=session,
            service=self.service.name,
            action="read",
            resource=resource,
            citizen_id=self.citizen.id,
            token_id=self.token.id,
            now=container.clock(),
        )


def _authenticate(
    *,
    container: CoreServices,
    session: Session,
    service: ServiceCaller,
    credentials: HTTPAuthorizationCredentials | None,
    chat_identity: str | None,
) -> CitizenContext:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401,
            "token-invalid",
            "Send the citizen token as a Bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = find_token(session=session, raw=credentials.credentials)
    if (
        token is None
        or token.revoked_at is not None
        or chat_identity is None
        or not hmac.compare_digest(token.chat_identity.encode(), chat_identity.encode())
    ):
        raise ProblemError(
            401,
            "token-invalid",
            "The token is not valid for this chat.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    now = container.clock()
    if token.expires_at <= now:
        raise ProblemError(
            401,
            "token-expired",
            "The token has expired; sign in again.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    citizen = session.get(Citizen, token.citizen_id)
    assert citizen is not None
    if now - token.last_used_at >= _LAST_USED_GRANULARITY:
        token.last_used_at = now  # orders chat identities for notifications
        session.commit()
    return CitizenContext(citizen, token, service)


def current_citizen(
    container: CoreServicesDep,
    session: SessionDep,
    service: ServiceAuthDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    x_chat_identity: Annotated[str | None, Header(description="channel:sender_id")] = None,
) -> CitizenContext:
    """Authenticate the citizen token and its binding to X-Chat-Identity."""
    return _authenticate(
        container=container,
        session=session,
        service=service,
        credentials=credentials,
        chat_identity=x_chat_identity,
    )


CitizenDep = Annotated[CitizenContext, Depends(current_citizen)]


def optional_citizen(
    container: CoreServicesDep,
    session: SessionDep,
    service: ServiceAuthDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    x_chat_identity: Annotated[str | None, Header(description="channel:sender_id")] = None,
) -> CitizenContext | None:
    """Like `current_citizen`, but no token at all is allowed (a bad token is still refused)."""
    if credentials is None:
        return None
    return _authenticate(
        container=container,
        session=session,
        service=service,
        credentials=credentials,
        chat_identity=x_chat_identity,
    )


OptionalCitizenDep = Annotated[CitizenContext | None, Depends(optional_citizen)]


def require_scope(scope: str) -> Callable[[CitizenContext], Awaitable[CitizenContext]]:
    """Return a dependency that also demands `scope` on the token."""

    async def check(ctx: CitizenDep) -> CitizenContext:
        if scope not in ctx.token.scope_set:
            raise ProblemError(403, "insufficient-scope", f"The token lacks {scope}.")
        return ctx

    return check


ReaderDep = Annotated[CitizenContext, Depends(require_scope("citizen:read"))]


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="Unique per intended operation (UUID)"),
    ] = None,
) -> str:
    """Demand an Idempotency-Key header of 1-200 visible characters."""
    if key is None or not key.strip():
        raise ProblemError(400, "idempotency-key-required")
    if len(key) > 200 or not key.isprintable():
        raise ProblemError(
            422,
            "validation-error",
            "Idempotency-Key: 1-200 visible characters",
            errors=[{"field": "Idempotency-Key", "message": "1-200 visible characters"}],
        )
    return key


IdempotencyKeyDep = Annotated[str, Depends(idempotency_key)]


async def optional_idempotency_key(
    key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str | None:
    """Accept an Idempotency-Key header if one is sent."""
    return None if key is None else await idempotency_key(key)


OptionalIdempotencyKeyDep = Annotated[str | None, Depends(optional_idempotency_key)]
