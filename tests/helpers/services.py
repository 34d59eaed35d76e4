"""Find the PostgreSQL and Redis servers tests need; skip clearly, or fail when CI requires them."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get(
    "MSAIDIZI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MSAIDIZI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def services_required() -> bool:
    """Return True when missing services must fail the run (CI sets MSAIDIZI_REQUIRE_SERVICES=1)."""
    return os.environ.get("MSAIDIZI_REQUIRE_SERVICES") == "1"


def reachable(url: str) -> bool:
    """Return True when something accepts TCP connections at the URL's host and port."""
    parts = urlsplit(url.replace("+psycopg", "").replace("+asyncpg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, url: str) -> str:
    """Return `url` if the service answers; otherwise skip (or fail when services are required)."""
    if reachable(url):
        return url
    message = (
        f"{name} is not reachable at {url}. Start it (see README 'Services') or set "
        f"MSAIDIZI_TEST_{name.upper()}_URL."
    )
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def private_schema(prefix: str) -> Iterator[str]:
    """Create a private PostgreSQL schema; yield a URL whose search_path is it; drop it after.

    Other test runs share the `test` database, so every session works in its own schema.
    """
    import sqlalchemy as sa

    base = require("postgres", POSTGRES_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
