"""Idempotency-Key handling: the first answer to a key is the answer to every retry."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.models import IdempotencyRecord
from backend.core.problems import ProblemError

logger = logging.getLogger(__name__)
# How long an unfinished key may stay "in progress" before a retry may take it over: longer
# than any request runs (the slowest, a payment start, is bounded by Daraja's timeouts).
DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A status code and JSON body, fresh or replayed."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(*parts: Any) -> str:
    """Hash the parts of a request that must match for a key to be reused."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def run_once(
    *,
    session: Session,
    scope: str,
    owner: str,
    key: str,
    request_fingerprint: str,
    work: Callable[[], StoredResponse],
    now: datetime | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> StoredResponse:
    """Run `work` once per (scope, owner, key) and replay its answer afterwards.

    Problems with a 4xx status are stored and replayed like successes. Anything else
    (5xx, exceptions) removes the key so the client can retry with it. A key left "in
    progress" by a process that died (SIGKILL leaves no exception handler to run) is taken
    over by the first retry after `lease`; `work` must therefore find what the dead attempt
    already did (the payment start finds its own attempt) rather than repeat it.

    Raises:
        ProblemError: `idempotency-key-reused` (422) for a different request with the same
            key, `request-in-progress` (409) while the first request is still running.
    """
    now = now or datetime.now(UTC)
    record = IdempotencyRecord(scope=scope, owner=owner, key=key, fingerprint=request_fingerprint,
                               created_at=now)
    session.add(record)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        taken = _take_over_stale(session=session, scope=scope, owner=owner, key=key,
                                 request_fingerprint=request_fingerprint, stale_before=now - lease,
                                 now=now)
        if taken is None:
            return _replay(
                session=session,
                scope=scope,
                owner=owner,
                key=key,
                request_fingerprint=request_fingerprint,
            )
        record = taken
    try:
        result = work()
    except ProblemError as problem:
        if problem.status >= 500:
            _forget(session=session, record_id=record.id)
            raise
        session.rollback()  # drop whatever the failed work left open
        _store(session=session, record_id=record.id, status=problem.status, body=problem.body())
        raise
    except Exception:
        _forget(session=session, record_id=record.id)
        raise
    _store(session=session, record_id=record.id, status=result.status_code, body=result.body)
    return result


def _take_over_stale(*, session: Session, scope: str, owner: str, key: str,
                     request_fingerprint: str, stale_before: datetime, now: datetime
                     ) -> IdempotencyRecord | None:
    """Claim an unfinished record older than the lease; None when there is none to claim."""
    claimed = session.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.owner == owner,
            IdempotencyRecord.key == key,
            IdempotencyRecord.fingerprint == request_fingerprint,
            IdempotencyRecord.status_code.is_(None),
            IdempotencyRecord.created_at < stale_before,
        )
        .values(created_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    logger.warning("Taking over an Idempotency-Key left unfinished (scope %s)", scope)
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.owner == owner,
            IdempotencyRecord.key == key,
        )
    )


def _replay(
    *, session: Session, scope: str, owner: str, key: str, request_fingerprint: str
) -> StoredResponse:
    existing = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.owner == owner,
            IdempotencyRecord.key == key,
        )
    )
    session.commit()
    if existing is None:  # removed by a failed first attempt in between: let the client retry
        raise ProblemError(409, "request-in-progress", headers={"Retry-After": "1"})
    if existing.fingerprint != request_fingerprint:
        raise ProblemError(
            422, "idempotency-key-reused", "This Idempotency-Key was sent with another request."
        )
    if existing.status_code is None or existing.response is None:
        raise ProblemError(409, "request-in-progress", headers={"Retry-After": "1"})
    if existing.status_code >= 400:
        body = existing.response
        raise ProblemError(
            existing.status_code,
            str(body.get("type", "")).rsplit("/", 1)[-1] or "http-error",
            body.get("detail"),
            **{k: v for k, v in body.items() if k not in {"type", "title", "status", "detail"}},
        )
    return StoredResponse(existing.status_code, existing.response, replayed=True)


def _store(*, session: Session, record_id: int, status: int, body: dict[str, Any]) -> None:
    record = session.get(IdempotencyRecord, record_id)
    if record is not None:
        record.status_code, record.response = status, body
        session.commit()


def _forget(*, session: Session, record_id: int) -> None:
    session.rollback()
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
    session.commit()
