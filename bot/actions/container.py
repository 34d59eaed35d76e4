"""The action server's dependencies, built once per process.

rasa-sdk's executor instantiates every action with no arguments, so actions cannot be handed
their dependencies; they ask this container instead. The runtime is built on first use (or by
the server's start-up listener) from `get_settings()`, and closed when the server stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.app import Runtime, build_runtime
from bot.config import get_settings


def _default_factory() -> Runtime:
    return build_runtime(get_settings())


class ActionContainer:
    """Holds the one runtime that every action of this process uses."""

    def __init__(self, factory: Callable[[], Runtime] = _default_factory) -> None:
        self._factory = factory
        self._runtime: Runtime | None = None
        self._owned = True  # False when a caller lent its runtime (tests, embedding)
        self._started = False
        self._lock = threading.Lock()

    def runtime(self) -> Runtime:
        """Return the runtime, building it on first use."""
        if self._runtime is None:
            with self._lock:  # Sanic runs one worker per process; the lock covers threads
                if self._runtime is None:
                    self._runtime = self._factory()
        return self._runtime

    async def ready(self) -> Runtime:
        """Return the runtime with its background loops running (notifications, report outbox)."""
        runtime = self.runtime()
        if self._owned and not self._started:
            self._started = True
            await runtime.start()
        return runtime

    async def close(self) -> None:
        """Stop the background loops and release connections, if this container built them."""
        if not self._owned:
            return  # a lent runtime is closed by its owner
        runtime, self._runtime, self._started = self._runtime, None, False
        if runtime is not None:
            await runtime.close()

    @contextmanager
    def using(self, runtime: Runtime) -> Iterator[Runtime]:
        """Serve actions from `runtime`, owned by the caller, until the block ends."""
        previous = (self._runtime, self._owned, self._started)
        self._runtime, self._owned, self._started = runtime, False, True
        try:
            yield runtime
        finally:
            self._runtime, self._owned, self._started = previous


container = ActionContainer()
