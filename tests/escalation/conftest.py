"""Escalation fixtures: a real backend (uvicorn thread) per database, SQLite and PostgreSQL.

Like tests/backend: tables are created once per database and emptied after each test; the
container's clock is reset; escalation settings are the test defaults (cheap Argon2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from backend.main import create_app
from escalation.models import Agent
from escalation.runtime import Escalation
from tests.backend.conftest import empty_tables, make_settings, prepare_database
from tests.backend.helpers import SERVICE_HEADERS
from tests.backend.live import BackendServer, free_port
from tests.escalation.helpers import PASSWORD, TEST_SETTINGS, Console, Esc
from tests.helpers.services import private_schema


@pytest.fixture(scope="session")
def esc_pg_url() -> Iterator[str]:
    """A private PostgreSQL schema for this session's escalation tests."""
    with private_schema("msz_esc") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def esc_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return prepare_database(
            f"sqlite:///{tmp_path_factory.mktemp('escalation') / 'backend.db'}")
    return prepare_database(request.getfixturevalue("esc_pg_url"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("esc_db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def esc_server(esc_db_url: str) -> Iterator[Esc]:
    port = free_port()
    app = create_app(make_settings(esc_db_url, public_url=f"http://127.0.0.1:{port}"))
    with BackendServer(app, port) as live:
        yield Esc(app=app, url=live.url)


@pytest.fixture
def esc(esc_server: Esc) -> Iterator[Esc]:
    """The shared backend with clean tables, clock at now, test settings."""
    container = esc_server.container
    container.clock.offset = timedelta(0)
    esc_server.use_settings(TEST_SETTINGS)
    yield esc_server
    empty_tables(container.engine)


@pytest.fixture
def runtime(esc: Esc) -> Escalation:
    return esc.runtime


@pytest.fixture
def client(esc: Esc) -> Iterator[httpx.Client]:
    """The assistant: service key on every request."""
    with httpx.Client(base_url=esc.url, headers=SERVICE_HEADERS, timeout=30) as http:
        yield http


@pytest.fixture
def console(esc: Esc) -> Iterator[Callable[..., Console]]:
    """Sign agents in to the console; every client is closed afterwards."""
    opened: list[Console] = []

    def open_for(agent: Agent, password: str = PASSWORD) -> Console:
        opened.append(Console(esc, agent.email, password))
        return opened[-1]

    yield open_for
    for item in opened:
        item.close()
