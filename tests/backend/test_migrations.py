"""`alembic upgrade head` on an empty database gives exactly the models' schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.cli import alembic_config, upgrade_database
from backend.core.db import Base, make_engine
from backend.models import load_all_models
from tests.backend.conftest import make_settings
from tests.helpers.services import private_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_sqlite_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield tmp_sqlite_url
        return
    request.applymarker(pytest.mark.postgres)
    with private_schema("msz_mig") as url:
        yield url


def _differences(url: str) -> list[object]:
    load_all_models()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_head_matches_models(empty_db_url: str) -> None:
    upgrade_database(make_settings(empty_db_url))
    assert _differences(empty_db_url) == []
    upgrade_database(make_settings(empty_db_url))  # a second run is a no-op


def test_downgrade_base_removes_everything(empty_db_url: str) -> None:
    settings = make_settings(empty_db_url)
    upgrade_database(settings)
    command.downgrade(alembic_config(settings), "base")
    engine = make_engine(empty_db_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_alembic_history_is_linear() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(make_settings("sqlite://")))
    assert len(script.get_heads()) == 1
