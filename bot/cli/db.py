"""`msaidizi db upgrade`: migrate the assistant's and the backend's databases."""

from __future__ import annotations

import click

from backend.cli import upgrade_database
from bot.cli.settings import load_settings
from bot.combined import backend_settings_for
from bot.logs import configure_logging
from bot.storage import schema


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--only", type=click.Choice(["bot", "backend"]), default=None,
              help="Migrate only one of the two databases.")
def upgrade_command(only: str | None) -> None:
    """Bring the assistant's and the backend's databases to the newest schema (Alembic)."""
    configure_logging("WARNING")
    settings = load_settings()
    if only in (None, "bot"):
        schema.upgrade(settings.bot_database_url)
        click.echo("Assistant database: up to date.")
    if only in (None, "backend"):
        upgrade_database(backend_settings_for(settings))
        click.echo("Backend database: up to date.")
