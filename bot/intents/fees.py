"""The fees articles quote, read from the backend's billing catalogue and kept a short while."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.backend import BackendError, CatalogueService
from bot.core.placeholders import Fee
from common.timezone import utcnow

logger = logging.getLogger(__name__)


class FeeSource(Protocol):
    """Gives the current fees by service code, or None when they cannot be known."""

    async def current(self) -> Mapping[str, Fee] | None:
        """Return the fees now billed, or None."""
        ...


class ServiceCatalogue(Protocol):
    """The part of the backend port that lists the billing catalogue."""

    async def services(self) -> Sequence[CatalogueService]:
        """Return every service with its fees."""
        ...


class CatalogueFees:
    """The backend's catalogue, fetched at most every `ttl`; the last good copy outlives errors.

    After a failed fetch it waits `retry` before asking again, so answers stay quick while the
    backend is down: they fall back to "the fee shown on eCitizen" instead of an amount.
    """

    def __init__(self, backend: ServiceCatalogue, *, ttl: timedelta = timedelta(minutes=10),
                 retry: timedelta = timedelta(seconds=30),
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._backend = backend
        self._ttl, self._retry, self._clock = ttl, retry, clock
        self._fees: dict[str, Fee] | None = None
        self._next_fetch: datetime | None = None

    async def current(self) -> Mapping[str, Fee] | None:
        """Return the catalogue's fees (refreshed when stale), or the last copy, or None."""
        now = self._clock()
        if self._next_fetch is not None and now < self._next_fetch:
            return self._fees
        try:
            services = await self._backend.services()
        except BackendError as exc:
            logger.warning("Service catalogue unavailable (%s); %s", type(exc).__name__,
                           "keeping the last copy" if self._fees else "fees shown as unknown")
            self._next_fetch = now + self._retry
            return self._fees
        self._fees = {service.code: service.fee for service in services}
        self._next_fetch = now + self._ttl
        return self._fees
