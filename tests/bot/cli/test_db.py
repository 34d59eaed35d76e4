"""`msaidizi db upgrade` migrates both databases; the backend commands are registered."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from click.testing import CliRunner

from bot.cli import main
from bot.config import get_settings


def test_db_upgrade_creates_both_schemas(tmp_path: Path) -> None:
    env = {"MSAIDIZI_DATA_DIR": str(tmp_path),
           "MSAIDIZI_BACKEND_DATABASE_URL": f"sqlite:///{tmp_path / 'backend.db'}"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    for name, table in (("bot.db", "bot_conversations"), ("backend.db", "citizens")):
        engine = sa.create_engine(f"sqlite:///{tmp_path / name}")
        assert table in sa.inspect(engine).get_table_names()
        engine.dispose()


def test_every_documented_command_is_registered() -> None:
    # commands are imported when first used: list them, then load each one
    context = click.Context(main)
    names = set(main.list_commands(context))
    assert {"serve", "chat", "parse", "faq", "db", "eval", "backend", "seed", "telegram",
            "actions", "agents", "tickets"} <= names
    assert all(main.get_command(context, name) is not None for name in names)
