"""The assistant's Alembic history builds exactly the tables the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage import schema
from bot.storage.models import Base


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_match_models(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}" if database == "sqlite"
           else request.getfixturevalue("postgres_url"))
    schema.upgrade(url)
    engine = sa.create_engine(schema.sync_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": "bot_alembic_version"})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
