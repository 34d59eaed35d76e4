"""The Daraja STK callback endpoint."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from backend.api.deps import ContainerDep
from backend.container import Container
from backend.problems import ProblemError
from backend.services.callbacks import StkCallback, parse_stk_callback

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/mpesa", tags=["mpesa"])

ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}


@router.post("/callback/{callback_token}")
async def mpesa_callback(
    callback_token: str, request: Request, container: ContainerDep
) -> dict[str, object]:
    """Record an STK result; replays and unknown ids change nothing and are still accepted.

    Daraja does not sign callbacks, so the secret path segment is what keeps others out.
    Whatever the body, a caller with the right path gets Daraja's "Accepted" answer, so
    Daraja never retries a callback we chose to ignore.
    """
    expected = container.settings.callback_token.get_secret_value()
    if not hmac.compare_digest(callback_token.encode(), expected.encode()):
        raise ProblemError(404, "not-found")
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    callback = parse_stk_callback(body)
    if callback is None:
        logger.warning("Ignored a callback that is not an STK callback (%d bytes)", len(raw))
        return ACCEPTED
    await run_in_threadpool(_record, container, callback)
    return ACCEPTED


def _record(container: Container, callback: StkCallback) -> None:
    """Apply the callback in its own session (the database layer is synchronous)."""
    with container.session_factory() as session:
        container.payments.record_callback(session=session, callback=callback)
