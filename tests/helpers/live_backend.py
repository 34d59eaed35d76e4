"""The real backend on a loopback port (migrated, seeded, M-Pesa simulator) for end-to-end tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from backend.cli import upgrade_database
from backend.config import BackendSettings
from backend.container import Container
from backend.core.db import make_engine, make_sessionmaker
from backend.seed import seed
from bot.app import Clients, Runtime, build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from common.timezone import utcnow

WANJIRU_ID = "12345678"
WANJIRU_PHONE = "254712345678"
SERVICE_KEY = "dev-service-key"


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


def migrate_and_seed(path: Path) -> None:
    """Build a migrated, seeded backend database at `path` (to copy for each test)."""
    settings = BackendSettings(database_url=f"sqlite:///{path}")
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine)() as session:
        seed(session=session, settings=settings, now=utcnow())
    engine.dispose()


def live_settings(database: Path, port: int) -> BackendSettings:
    """Settings for a test backend: quick simulator answers and M-Pesa queries."""
    return BackendSettings(
        database_url=f"sqlite:///{database}", public_url=f"http://127.0.0.1:{port}",
        simulator_delay_seconds=0.1, mpesa_query_after=timedelta(seconds=1))


@asynccontextmanager
async def runtime_on(settings: BotSettings, knowledge: LiveKnowledge,
                     clients: Clients) -> AsyncIterator[Runtime]:
    """Build the assistant on `knowledge` with the given backend and escalation clients."""
    built = build_runtime(settings, migrate=False, knowledge=knowledge, clients=clients)
    try:
        yield built
    finally:
        await built.close()
