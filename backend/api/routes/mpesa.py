"""The Daraja STK callback endpoint: a claim to record and verify, never a payment by itself."""

from __future__ import annotations

import hmac
import logging
from ipaddress import ip_address
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from backend.api.body import read_body
from backend.api.deps import ContainerDep
from backend.container import Container
from backend.core.problems import ProblemError
from backend.domain import CallbackVerdict
from backend.services.callback_review import MAX_CALLBACK_BYTES

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/mpesa", tags=["mpesa"])

ACCEPTED = {"ResultCode": 0, "ResultDesc": "Accepted"}
Nonce = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


@router.post("/callback/{callback_token}/{nonce}")
async def mpesa_attempt_callback(
    callback_token: str, nonce: Nonce, request: Request, container: ContainerDep
) -> dict[str, object]:
    """Receive the result of one prompt; the nonce names the attempt it was sent for."""
    return await _receive(callback_token, nonce, request, container)


@router.post("/callback/{callback_token}")
async def mpesa_callback(
    callback_token: str, request: Request, container: ContainerDep
) -> dict[str, object]:
    """Receive a result by CheckoutRequestID alone (prompts sent before attempt nonces)."""
    return await _receive(callback_token, None, request, container)


async def _receive(
    callback_token: str, nonce: str | None, request: Request, container: Container
) -> dict[str, object]:
    """Check the secret path and source, keep the body, and let the review decide.

    Daraja does not sign callbacks: the secret path segment keeps strangers out, and the
    review keeps anyone who learnt it from paying a bill with words alone. Whatever the body,
    an accepted caller gets Daraja's "Accepted" answer, so Daraja never retries a callback we
    chose to ignore.
    """
    expected = container.settings.callback_token.get_secret_value()
    if not hmac.compare_digest(callback_token.encode(), expected.encode()):
        raise ProblemError(404, "not-found")
    raw = await read_body(request, MAX_CALLBACK_BYTES)
    source = request.client.host if request.client else None
    if not _allowed(container, source):
        logger.warning("M-Pesa callback from an address outside the allow-list")
        await run_in_threadpool(_keep_refused, container, raw, nonce, source)
        raise ProblemError(403, "forbidden", "This address may not send payment results.")
    verdict = await run_in_threadpool(_review, container, raw, nonce, source)
    if verdict in (CallbackVerdict.HELD, CallbackVerdict.SUSPICIOUS):
        container.reconciler.wake()  # Daraja is asked now, not at the next scheduled pass
    return ACCEPTED


def _allowed(container: Container, source: str | None) -> bool:
    networks = container.settings.mpesa_callback_allowlist
    if not networks:
        return True
    try:
        address = ip_address(source or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


def _review(container: Container, raw: bytes, nonce: str | None, source: str | None
            ) -> CallbackVerdict:
    """Apply the callback in its own session (the database layer is synchronous)."""
    with container.session_factory() as session:
        return container.payments.callbacks.receive(
            session=session, raw=raw, nonce=nonce, source=source
        )


def _keep_refused(container: Container, raw: bytes, nonce: str | None, source: str | None
                  ) -> None:
    with container.session_factory() as session:
        container.payments.callbacks.keep_refused(
            session=session, raw=raw, nonce=nonce, source=source
        )
