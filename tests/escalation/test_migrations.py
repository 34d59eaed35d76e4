"""Migration 0002 creates exactly escalation's tables; downgrading to 0001 removes them."""

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

ESCALATION_TABLES = {"agents", "agent_sessions", "agent_signin_throttles", "tickets",
                     "ticket_messages", "ticket_reveals", "canned_replies"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('mig') / 'empty.db'}"
        return
    request.applymarker(pytest.mark.postgres)
    with private_schema("msz_escmig") as url:
        yield url


def test_head_has_escalation_tables_matching_models(empty_url: str) -> None:
    settings = make_settings(empty_url)
    upgrade_database(settings)
    load_all_models()
    engine = make_engine(empty_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= ESCALATION_TABLES
        with engine.connect() as conn:
            assert list(compare_metadata(MigrationContext.configure(conn), Base.metadata)) == []
        command.downgrade(alembic_config(settings), "0001")
        left = set(sa.inspect(engine).get_table_names())
        assert not ESCALATION_TABLES & left and "citizens" in left
    finally:
        engine.dispose()
