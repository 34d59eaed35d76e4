"""The rasa-sdk app over ASGI, on a runtime connected to a live seeded backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sanic import Sanic

from bot.actions.container import container
from bot.actions.server import create_action_app
from bot.app import Runtime
from tests.bot.actions.rasa import RasaConversation


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Drive the ASGI lifespan (Sanic finalises its routes and runs listeners on startup)."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                   inbox.get, outbox.put))
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
        await task


@asynccontextmanager
async def serve_actions(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """Serve the actions from `runtime` on rasa-sdk's Sanic app; give an HTTP client on it."""
    with container.using(runtime):
        app = create_action_app()
        transport = httpx.ASGITransport(app=app)
        async with lifespan(app), httpx.AsyncClient(transport=transport,
                                                    base_url="http://actions") as client:
            yield client


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)  # each test builds rasa-sdk's app again


@pytest.fixture
async def rasa_client(action_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on rasa-sdk's Sanic app serving Msaidizi's actions."""
    async with serve_actions(action_runtime) as client:
        yield client


@pytest.fixture
def rasa(rasa_client: httpx.AsyncClient, action_runtime: Runtime) -> RasaConversation:
    """A Rasa conversation with a new sender."""
    return RasaConversation(rasa_client, action_runtime)
