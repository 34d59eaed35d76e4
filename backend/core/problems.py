"""RFC 9457 problem details: one exception type and the handlers that render it."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.db_errors import worth_retrying

logger = logging.getLogger(__name__)

PROBLEM_BASE = "https://msaidizi.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# Titles of the stable problem types; `type` is PROBLEM_BASE + the key.
TITLES: dict[str, str] = {
    "validation-error": "Your request is not valid",
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "service-key-invalid": "Service key missing or wrong",
    "token-invalid": "Citizen token missing, wrong, revoked or for another chat",
    "token-expired": "Citizen token expired",
    "insufficient-scope": "Citizen token lacks the scope for this",
    "otp-invalid": "The code is wrong or has expired",
    "otp-locked": "Too many wrong codes; try again later",
    "rate-limited": "Too many requests; try again later",
    "bill-already-paid": "This bill is already paid",
    "bill-not-payable": "This bill cannot be paid",
    "idempotency-key-required": "An Idempotency-Key header is required",
    "idempotency-key-reused": "This Idempotency-Key was used for a different request",
    "request-in-progress": "A request with this Idempotency-Key is still being processed",
    "payment-method-unavailable": "This payment method is not available",
    "payment-gateway-error": "The payment provider could not be reached",
    "link-invalid": "This link is not valid or has expired",
    "invalid-transition": "That status change is not allowed",
    "internal-error": "Something went wrong on our side",
    "database-unavailable": "The service is briefly unavailable; try again shortly",
    "body-too-large": "The request body is too large",
    "invalid-body": "The request body cannot be used",
    "forbidden": "Not allowed from here",
}

_STATUS_TYPES = {404: "not-found", 405: "method-not-allowed"}


class ProblemError(Exception):
    """An error the API reports as problem+json with a stable `type`."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or TITLES.get(kind, kind))
        self.status = status
        self.kind = kind
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """Return the problem document."""
        return problem_body(self.status, self.kind, self.detail, instance, **self.extra)


def too_many(kind: str, wait_seconds: float, detail: str | None = None) -> ProblemError:
    """Return a 429 problem asking to wait: `Retry-After` in whole seconds, rounded up (>= 1)."""
    wait = max(1, math.ceil(wait_seconds))
    return ProblemError(429, kind, detail, headers={"Retry-After": str(wait)},
                        retry_after_seconds=wait)


def problem_body(
    status: int, kind: str, detail: str | None = None, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Build a problem document with the stable type URI for `kind`."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind,
        "title": TITLES.get(kind, kind.replace("-", " ").capitalize()),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(
    status: int,
    kind: str,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Render a problem as an `application/problem+json` response."""
    return JSONResponse(
        problem_body(status, kind, detail, **extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return JSONResponse(
        exc.body(request.url.path),
        status_code=exc.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=exc.headers or None,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    return JSONResponse(
        problem_body(
            422,
            "validation-error",
            "; ".join(f"{e['field']}: {e['message']}" for e in errors),
            request.url.path,
            errors=errors,
        ),
        status_code=422,
        media_type=PROBLEM_MEDIA_TYPE,
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _STATUS_TYPES.get(exc.status_code, "http-error")
    detail = exc.detail if isinstance(exc.detail, str) and kind == "http-error" else None
    return JSONResponse(
        problem_body(exc.status_code, kind, detail, request.url.path),
        status_code=exc.status_code,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=exc.headers,
    )


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    # The database refused a value (NUL byte, number out of range...): bad input, not a bug.
    logger.info("Database refused a value on %s %s", request.method, request.url.path)
    return JSONResponse(
        problem_body(
            422,
            "validation-error",
            "A value in the request cannot be used.",
            request.url.path,
            errors=[],
        ),
        status_code=422,
        media_type=PROBLEM_MEDIA_TYPE,
    )


DATABASE_RETRY_SECONDS = 5


def _retryable(exc: OperationalError) -> bool:
    state = getattr(exc.orig, "sqlstate", None)  # SQLite's errors have none: faults
    return exc.connection_invalidated or (state is not None and worth_retrying(state))


async def _on_database_away(request: Request, exc: Exception) -> JSONResponse:
    # A restart or failover ended the connection mid-request, or the database did not answer:
    # the caller tries again (the error's text may quote the statement's values: not logged).
    assert isinstance(exc, OperationalError)
    if not _retryable(exc):
        return await _on_unexpected(request, exc)
    logger.warning("Database unavailable on %s %s (%s, SQLSTATE %s)", request.method,
                   request.url.path, type(exc.orig or exc).__name__,
                   getattr(exc.orig, "sqlstate", None))
    return JSONResponse(
        problem_body(503, "database-unavailable", None, request.url.path),
        status_code=503,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Retry-After": str(DATABASE_RETRY_SECONDS)},
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        problem_body(500, "internal-error", None, request.url.path),
        status_code=500,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of `app` answer as problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(OperationalError, _on_database_away)
    app.add_exception_handler(Exception, _on_unexpected)
