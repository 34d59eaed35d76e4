"""Backend fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a private schema per test session (other developers' tests share the
database). Tables are created once per database and emptied after each test rather than
rolled back with a SAVEPOINT, because many tests go through a real uvicorn server thread and
concurrent requests that a per-test transaction could not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from backend.config import BackendSettings
from backend.container import Container
from backend.core.db import Base, make_engine, make_sessionmaker
from backend.crud.catalogue import sync_catalogue
from backend.main import create_app
from backend.models import load_all_models
from tests.backend.helpers import SERVICE_HEADERS, Backend
from tests.backend.live import BackendServer, free_port
from tests.helpers.services import private_schema

KEEP_TABLES = {"agencies", "services"}  # the catalogue is loaded once per database


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the PostgreSQL variants so `-m postgres` / `-m 'not postgres'` select them."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """Return a PostgreSQL URL whose search_path is a private schema, dropped at the end."""
    with private_schema("msz_backend") as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a database with the backend's tables and the catalogue."""
    if request.param == "sqlite":
        return prepare_database(f"sqlite:///{tmp_path_factory.mktemp('backend') / 'backend.db'}")
    return prepare_database(request.getfixturevalue("pg_base_url"))


def prepare_database(url: str) -> str:
    """Create every table (backend and escalation) and load the catalogue; return `url`."""
    engine = make_engine(url)
    load_all_models()  # every model module is registered on Base.metadata
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine)() as session:
        sync_catalogue(session=session)
        session.commit()
    engine.dispose()
    return url


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row a test may have written, keeping the catalogue."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    # DELETE beats TRUNCATE on PostgreSQL for a handful of rows per table.
    with engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())


def make_settings(db_url: str, **overrides: object) -> BackendSettings:
    """Return test settings (short simulator delay, no env file)."""
    values: dict[str, object] = {
        "database_url": db_url,
        "simulator_delay_seconds": 0.1,
        "mpesa_query_after": timedelta(seconds=1),
        "mpesa_backoff_seconds": 0.01,
        # Tests drive the reconciler themselves; test_reconcile_job runs the background loop.
        "background_jobs": False,
        **overrides,
    }
    return BackendSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def server(db_url: str) -> Iterator[Backend]:
    """Run one backend per database on a real port; tests share it and get clean tables."""
    port = free_port()
    settings = make_settings(db_url, public_url=f"http://127.0.0.1:{port}")
    app = create_app(settings)
    with BackendServer(app, port) as live:
        yield Backend(app=app, url=live.url)


@pytest.fixture
def backend(server: Backend) -> Iterator[Backend]:
    """The shared backend, reset: clock, simulator, tables."""
    container = server.container
    container.clock.offset = timedelta(0)
    container.otp.forget_lockouts()
    if container.simulator is not None:
        container.simulator.reset()
        container.simulator.delay = 0.1
    yield server
    empty_tables(container.engine)


@pytest.fixture
def container(backend: Backend) -> Container:
    """The shared backend's container (settings, session factory, clock, services)."""
    return backend.container


@pytest.fixture
def client(backend: Backend) -> Iterator[httpx.Client]:
    """An HTTP client to the shared backend carrying the service key."""
    with httpx.Client(base_url=backend.url, headers=SERVICE_HEADERS, timeout=30) as http:
        yield http


@pytest.fixture
def anon_client(backend: Backend) -> Iterator[httpx.Client]:
    """An HTTP client without the service key (as a citizen's browser)."""
    with httpx.Client(base_url=backend.url, timeout=30) as http:
        yield http


@pytest.fixture
def tmp_sqlite_url(tmp_path: Path) -> str:
    """Return the URL of an empty SQLite file."""
    return f"sqlite:///{tmp_path / 'empty.db'}"


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    """Return an in-process client for an app built in a test (no server thread)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                             headers=SERVICE_HEADERS)
