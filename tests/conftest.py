"""Fixtures shared by every test: settings on a temporary folder, databases, knowledge."""

from __future__ import annotations

import gc
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.combined import create_combined_app
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from bot.storage import schema
from tests.helpers.server import LiveServer, free_port
from tests.helpers.services import REDIS_URL, private_schema, require

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    """Undo a start-up's paused and frozen collector (common.heap) after a test that ran one.

    `msaidizi serve` run in process freezes the heap: in a test session that would keep every
    earlier test's garbage for good.
    """
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
    gc.enable()


@pytest.fixture(scope="session")
def fixture_knowledge_dir() -> Path:
    """Return the small, stable knowledge folder used by core dialog tests."""
    return FIXTURES / "knowledge"


@pytest.fixture(scope="session")
def fixture_knowledge(fixture_knowledge_dir: Path) -> LiveKnowledge:
    """Load and fit the fixture knowledge once per test session."""
    return LiveKnowledge(fixture_knowledge_dir)


@pytest.fixture(scope="session")
def real_knowledge() -> LiveKnowledge:
    """Load and fit the real knowledge folder once per test session."""
    return LiveKnowledge(REPO / "knowledge")


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build one migrated SQLite database to copy for each test (faster than migrating each)."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    schema.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def bot_settings(tmp_path: Path, migrated_sqlite_template: Path) -> BotSettings:
    """Settings for one test: a fresh migrated SQLite database under a temporary folder."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    shutil.copy(migrated_sqlite_template, data_dir / "bot.db")
    return BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        knowledge_dir=FIXTURES / "knowledge",
        watch_knowledge=False,
    )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Return a URL to a private schema in the test PostgreSQL, dropped afterwards."""
    with private_schema("msz_bot") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Return the URL of the test Redis database."""
    return require("redis", REDIS_URL)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[object]:
    """Give a Redis client on a flushed test database."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """Serve assistant + backend (seeded, M-Pesa simulator) exactly as `msaidizi serve` does."""
    port = free_port()
    monkeypatch.setenv("MSAIDIZI_BACKEND_SIMULATOR_DELAY_SECONDS", "0.3")
    monkeypatch.setenv("MSAIDIZI_BACKEND_DATABASE_URL", f"sqlite:///{tmp_path / 'backend.db'}")
    settings = BotSettings(_env_file=None, data_dir=tmp_path / "var",  # type: ignore[call-arg]
                           watch_knowledge=False)
    settings.web.port = port
    app, _ = create_combined_app(settings)
    with LiveServer(app, port=port) as server:
        yield server
