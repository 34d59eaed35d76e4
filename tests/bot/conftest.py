"""Fixtures for the assistant's tests: a runtime on the fixture knowledge, dialog harnesses, and
the backend it talks to (an in-process double, or the real one over HTTP for end-to-end tests)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from backend.main import create_app
from bot.app import Clients, Runtime, build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers.backend_double import BackendDouble, double_clients
from tests.helpers.dialog import DialogHarness
from tests.helpers.live_backend import (
    SERVICE_KEY,
    LiveBackend,
    live_settings,
    migrate_and_seed,
    runtime_on,
)
from tests.helpers.server import LiveServer, free_port


@pytest.fixture
async def runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> AsyncIterator[Runtime]:
    """Build the assistant on a fresh database and the fixture knowledge."""
    built = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    yield built
    await built.close()


@pytest.fixture
def dialog(runtime: Runtime) -> DialogHarness:
    """Give a dialog harness for a new conversation."""
    return DialogHarness(runtime)


# -- the backend double (fast: the dialog tests) -------------------------------------------------

@pytest.fixture
def backend() -> BackendDouble:
    """An in-process backend holding the seed (Wanjiru and her applications)."""
    return BackendDouble.seeded()


@pytest.fixture
async def action_runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                         backend: BackendDouble) -> AsyncIterator[Runtime]:
    """The assistant on the fixture knowledge, talking to the backend double."""
    async with runtime_on(bot_settings, fixture_knowledge, double_clients(backend)) as built:
        yield built


@pytest.fixture
def chat(action_runtime: Runtime) -> DialogHarness:
    """A dialog harness on the runtime connected to the backend double."""
    return DialogHarness(action_runtime)


# -- the real backend over HTTP (end to end, and the double's contract) ---------------------------

@pytest.fixture(scope="session")
def seeded_backend_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and seed one backend database to copy for each test."""
    path = tmp_path_factory.mktemp("backend") / "backend.db"
    migrate_and_seed(path)
    return path


@pytest.fixture
def live_backend(seeded_backend_db: Path, tmp_path: Path) -> Iterator[LiveBackend]:
    """Serve a fresh copy of the seeded backend on a free port."""
    database = tmp_path / "backend.db"
    shutil.copy(seeded_backend_db, database)
    port = free_port()
    app = create_app(live_settings(database, port))
    with LiveServer(app, port=port) as server:
        yield LiveBackend(server.url, app.state.container)


@pytest.fixture
async def live_runtime(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                       live_backend: LiveBackend) -> AsyncIterator[Runtime]:
    """The assistant on the fixture knowledge, talking to the live backend over HTTP."""
    clients = Clients.http(live_backend.url, SERVICE_KEY)
    async with runtime_on(bot_settings, fixture_knowledge, clients) as built:
        yield built


@pytest.fixture
def live_chat(live_runtime: Runtime) -> DialogHarness:
    """A dialog harness on the runtime connected to the live backend."""
    return DialogHarness(live_runtime)
