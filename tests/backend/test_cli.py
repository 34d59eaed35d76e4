"""The click commands bot/cli registers, and `upgrade_database`."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from backend.cli import COMMANDS, backend_command, seed_command, unlock_signin_command
from backend.config import get_settings
from backend.core.db import make_engine


@pytest.fixture
def env_db(tmp_sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MSAIDIZI_BACKEND_DATABASE_URL", tmp_sqlite_url)
    get_settings.cache_clear()
    yield tmp_sqlite_url
    get_settings.cache_clear()


def test_cli_commands_have_expected_names() -> None:
    assert [c.name for c in COMMANDS] == ["backend", "seed", "unlock-signin"]
    group = click.Group("msaidizi", commands=list(COMMANDS))
    result = CliRunner().invoke(group, ["backend", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


def test_cli_seed_on_empty_database_migrates_and_loads_twice(env_db: str) -> None:
    runner = CliRunner()
    first = runner.invoke(seed_command, [])
    assert first.exit_code == 0, first.output
    assert "6 citizens, 12 applications" in first.output
    second = runner.invoke(seed_command, [])
    assert "0 citizens, 0 applications" in second.output
    engine = make_engine(env_db)
    assert "citizens" in inspect(engine).get_table_names()
    engine.dispose()


def test_cli_unlock_signin_unknown_id_fails(env_db: str) -> None:
    from backend.cli import upgrade_database

    upgrade_database(get_settings())
    result = CliRunner().invoke(unlock_signin_command, ["99999999"])
    assert result.exit_code != 0
    assert "No citizen" in result.output


def test_cli_backend_command_is_a_click_command() -> None:
    assert isinstance(backend_command, click.Command)
    assert {p.name for p in backend_command.params} >= {"host", "port", "migrate"}
