"""The backend's composition root: `create_app(settings)` builds the FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from backend.api.request_guard import RequestGuard
from backend.api.routes import (
    applications,
    auth,
    dev,
    health,
    me,
    metrics,
    mpesa,
    payment_review,
    payments,
    receipts,
    security_reports,
    service,
)
from backend.api.security_headers import SecurityHeaders
from backend.config import BackendSettings
from backend.container import Container, build_container
from backend.core.problems import install_problem_handlers
from backend.services.daraja import StkGateway
from backend.services.senders import Sender
from common.request_id import RequestIdMiddleware
from escalation.api import install as install_escalation

logger = logging.getLogger(__name__)

DESCRIPTION = """
Stand-in for the eCitizen API used by the Msaidizi assistant: citizens, one-time-code sign-in,
applications, bills, M-Pesa (Daraja-shaped) payments, receipts and security reports.

The assistant authenticates with `X-Service-Key`; citizen endpoints also need
`Authorization: Bearer <token>` and `X-Chat-Identity: <channel>:<sender_id>`.
Errors are RFC 9457 `application/problem+json`.
"""


def create_app(
    settings: BackendSettings,
    *,
    gateway: StkGateway | None = None,
    sender: Sender | None = None,
) -> FastAPI:
    """Build the backend app; /dev routes and the Daraja simulator exist only in development.

    Everything is built here, not in the lifespan, so the app also works when mounted in
    another app (Starlette does not run a mounted app's lifespan); the lifespan only closes
    connections. Call `shutdown(app)` yourself when mounting.
    """
    container = build_container(settings, gateway=gateway, sender=sender)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await startup(app)
        yield
        await shutdown(app)

    # The API explorer is a development tool: production serves no /docs (it runs inline script).
    explorer: dict[str, Any] = (
        {"docs_url": None, "redoc_url": None, "openapi_url": None} if settings.is_production else {}
    )
    app = FastAPI(
        title="Msaidizi backend (eCitizen stand-in)",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},  # Prometheus instead
        **explorer,
    )
    app.state.container = container
    app.add_middleware(RequestGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIdMiddleware)  # mounted: the outer app's id is kept
    install_problem_handlers(app)
    for module in (
        health,
        metrics,
        auth,
        me,
        applications,
        payments,
        receipts,
        security_reports,
        service,
        mpesa,
    ):
        app.include_router(module.router)
    install_escalation(app, container)  # /api/v1/tickets (assistant) and /console (agents)
    app.include_router(payment_review.router)  # the console's supervisor view of payments
    if not settings.is_production:
        app.include_router(dev.router)
        assert container.simulator is not None
        app.mount("/dev/daraja", container.simulator.app)
    logger.info("Backend ready (%s, public URL %s)", settings.environment, settings.base_url)
    return app


async def startup(app: FastAPI) -> None:
    """Start the backend's background jobs (payment reconciliation) in this process."""
    container: Container = app.state.container
    if container.settings.background_jobs:
        container.start_background()


async def shutdown(app: FastAPI) -> None:
    """Stop background jobs, cancel simulator callbacks and close connections."""
    container: Container = app.state.container
    await container.stop_background()
    if container.simulator is not None:
        await container.simulator.aclose()
    container.close()
