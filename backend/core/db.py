"""Database plumbing: the declarative base, engines and sessions (UTC columns: common.sqltypes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from common.network_waits import libpq_defaults

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of the service, escalation's included."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave for concurrent writers.

    pysqlite starts transactions lazily and as DEFERRED, so two requests can both read a bill
    and then both try to write it; one then fails with "database is locked". Taking the write
    lock at BEGIN (IMMEDIATE) serialises writers and lets `busy_timeout` make the others wait,
    which is what the one-payment-per-bill rule needs. SQLite is the development database, so
    serialised writes are an acceptable price.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs at checkpoints rather than at every commit: no corruption on
        # a crash, at most the last commits lost on power failure. Fine for development.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(database_url: str, *, echo: bool = False) -> Engine:
    """Create the engine for `database_url` (SQLite file or PostgreSQL via psycopg)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         connect_args=libpq_defaults(url.query))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield one session and close it afterwards (the FastAPI dependency uses this)."""
    with factory() as session:
        yield session
