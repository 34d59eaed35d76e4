"""Create or upgrade the assistant's database schema with Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from common.migration_head import is_at_head

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "bot_alembic_version"  # migrations/env.py reads it from here


def sync_url(url: str) -> str:
    """Return the synchronous driver form of an async database URL (Alembic runs sync)."""
    parsed = make_url(url)
    driver = {"sqlite+aiosqlite": "sqlite", "postgresql+asyncpg": "postgresql+psycopg"}
    name = driver.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=name).render_as_string(hide_password=False)


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration for the assistant's database at `url`."""
    from alembic.config import Config  # Alembic is imported only when there is work for it

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema, creating the SQLite folder if needed."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if is_at_head(sync_url(url), MIGRATIONS / "versions", VERSION_TABLE):
        return
    from alembic import command

    command.upgrade(alembic_config(url), "head")
