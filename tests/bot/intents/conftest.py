"""A real backend on a loopback port (migrated, seeded, M-Pesa simulator) and a bot using it."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from backend.cli import upgrade_database
from backend.config import BackendSettings
from backend.container import Container
from backend.core.db import make_engine, make_sessionmaker
from backend.main import create_app
from backend.seed import seed
from bot.app import Clients, Runtime, build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from common.timezone import utcnow
from tests.helpers.dialog import DialogHarness
from tests.helpers.server import LiveServer, free_port

WANJIRU_ID = "12345678"
WANJIRU_PHONE = "254712345678"


@dataclass
class LiveBackend:
    """A running backend with its container (clock, simulator) and URL."""

    url: str
    container: Container

    def latest_code(self, to: str = WANJIRU_PHONE) -> str:
        """Return the newest one-time code sent to `to` (from the development outbox)."""
        sent = httpx.get(f"{self.url}/dev/outbox", params={"to": to}, timeout=10).json()
        match = re.search(r"\b(\d{6})\b", sent[0]["text"])
        assert match, sent
        return match.group(1)


@pytest.fixture(scope="session")
def seeded_backend_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and seed one backend database to copy for each test."""
    path = tmp_path_factory.mktemp("backend") / "backend.db"
    settings = BackendSettings(database_url=f"sqlite:///{path}")  # type: ignore[call-arg]
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as session:
        seed(session=session, settings=settings, now=utcnow())
    engine.dispose()
    return path


@pytest.fixture
def live_backend(seeded_backend_db: Path, tmp_path: Path) -> Iterator[LiveBackend]:
    """Serve a fresh copy of the seeded backend on a free port."""
    database = tmp_path / "backend.db"
    shutil.copy(seeded_backend_db, database)
    port = free_port()
    settings = BackendSettings(  # type: ignore[call-arg]
        database_url=f"sqlite:///{database}", public_url=f"http://127.0.0.1:{port}",
        simulator_delay_seconds=0.1, mpesa_query_after=timedelta(seconds=1))
    app = create_app(settings)
    with LiveServer(app, port=port) as server:
        yield LiveBackend(server.url, app.state.container)


@asynccontextmanager
async def runtime_on(settings: BotSettings, knowledge: LiveKnowledge,
                     backend: LiveBackend) -> AsyncIterator[Runtime]:
    """Build the assistant on `knowledge`, talking to the live backend over HTTP."""
    built = build_runtime(settings, migrate=False, knowledge=knowledge,
                          clients=Clients.http(backend.url, "dev-service-key"))
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
async def action_runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                         live_backend: LiveBackend) -> AsyncIterator[Runtime]:
    """The assistant on the fixture knowledge, talking to the live backend over HTTP."""
    async with runtime_on(bot_settings, fixture_knowledge, live_backend) as built:
        yield built


@pytest.fixture
def chat(action_runtime: Runtime) -> DialogHarness:
    """A dialog harness on the runtime connected to the backend."""
    return DialogHarness(action_runtime)
