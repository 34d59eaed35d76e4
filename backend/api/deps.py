"""The backend's own request dependency, its whole container (the kernel's: backend.core.deps)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.container import Container


# No I/O, so `async def`: FastAPI does not hop to a worker thread for it.
async def get_container(request: Request) -> Container:
    """Return the app's container."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]
