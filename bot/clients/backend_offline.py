"""A backend port for when no backend is configured: every call says "unavailable"."""

from __future__ import annotations

from typing import Any, NoReturn

from bot.core.backend import BackendUnavailable


class OfflineBackend:
    """Stands in for the backend when its URL is not set; the citizen hears it is unavailable."""

    def __getattr__(self, name: str) -> Any:
        async def unavailable(*args: object, **kwargs: object) -> NoReturn:
            raise BackendUnavailable("no backend configured")

        return unavailable
