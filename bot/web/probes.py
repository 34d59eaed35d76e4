"""Liveness (/healthz) and readiness (/readyz) probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0
Check = Callable[[], Awaitable[object]]


async def _outcome(name: str, check: Check) -> str:
    """Return "ok", "timeout" or "error"; the cause goes to the log, never to the caller."""
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("Readiness: %s did not answer within %.0f s", name, CHECK_TIMEOUT_SECONDS)
        return "timeout"
    except Exception as exc:  # any failure means not ready; the kind is enough to log
        logger.warning("Readiness: %s failed (%s)", name, type(exc).__name__)
        return "error"
    return "ok"


def create_probe_router(checks: Mapping[str, Check]) -> APIRouter:
    """Build /healthz and /readyz for orchestrators, outside the API schema (503 is an answer)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        """Say the process is alive (no dependency is consulted)."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=None, include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Check each dependency at once; 503 names those that failed."""
        names = list(checks)
        outcomes = await asyncio.gather(*(_outcome(n, checks[n]) for n in names))
        results = dict(zip(names, outcomes, strict=True))
        failing = [name for name, outcome in results.items() if outcome != "ok"]
        body: dict[str, object] = {"status": "unavailable" if failing else "ok",
                                   "checks": results}
        if failing:
            body["failing"] = failing
        return JSONResponse(body, status_code=503 if failing else 200,
                            headers={"Cache-Control": "no-store"})

    return router
