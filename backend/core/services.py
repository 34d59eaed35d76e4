"""What the kernel needs from an app: settings, sessions, a clock and rate limits.

The backend's `Container` provides all of it (and much more); the kernel's request
dependencies and escalation see only this view, so neither depends on the backend's services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from backend.core.ratelimit import RateLimiter
from backend.core.settings import CoreSettings


class CoreServices(Protocol):
    """The kernel's view of an app's container (kept on `app.state.container`)."""

    @property
    def settings(self) -> CoreSettings:
        """Return the kernel's settings."""
        ...

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Return the factory of database sessions."""
        ...

    @property
    def clock(self) -> Callable[[], datetime]:
        """Return the app's clock (aware UTC; tests move it)."""
        ...

    @property
    def limiter(self) -> RateLimiter:
        """Return the app's rate limiter."""
        ...


# Dependencies that do no I/O are `async def` so FastAPI does not hop to a worker thread.
async def get_services(request: Request) -> CoreServices:
    """Return the app's container, as the kernel sees it."""
    services: CoreServices = request.app.state.container
    return services


CoreServicesDep = Annotated[CoreServices, Depends(get_services)]
