"""Commands the `msaidizi` group registers: `backend`, `seed`; and `upgrade_database`.

This module defines no group of its own; bot/cli adds these commands to `msaidizi`.
"""

from __future__ import annotations

import logging.config
from pathlib import Path
from typing import TYPE_CHECKING

import click
from pydantic import ValidationError

from backend.config import BackendSettings, get_settings
from backend.logging_setup import logging_config
from common.migration_head import is_at_head

if TYPE_CHECKING:
    from alembic.config import Config

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def alembic_config(settings: BackendSettings) -> Config:
    """Return an Alembic config for the settings' database."""
    from alembic.config import Config  # Alembic is imported only when there is work for it

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.with_name("alembic")))
    # ConfigParser interpolation treats % specially (URL-encoded passwords contain it).
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade_database(settings: BackendSettings) -> None:
    """Run `alembic upgrade head` on the settings' database (nothing to do: no Alembic)."""
    if is_at_head(settings.database_url, ALEMBIC_INI.with_name("alembic") / "versions"):
        return
    from alembic import command

    command.upgrade(alembic_config(settings), "head")


def load_settings() -> BackendSettings:
    """Return the backend's settings, or stop with one line per setting to change."""
    try:
        return get_settings()
    except ValidationError as exc:
        raise click.ClickException(readable_refusal(exc)) from None


def readable_refusal(exc: ValidationError) -> str:
    """Turn pydantic's report into one line per setting an operator must change."""
    lines: list[str] = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        listed = message.removeprefix("production settings must replace: ")
        if listed != message:  # our production check: one line per setting
            lines.extend(f"  - {part}" for part in listed.split("; "))
            continue
        where = ".".join(str(part) for part in error.get("loc", ()))
        lines.append(f"  - {where}: {message}" if where else f"  - {message}")
    return "settings refused:\n" + "\n".join(lines)


@click.command("backend")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--migrate/--no-migrate",
    default=True,
    show_default=True,
    help="Run database migrations before starting.",
)
@click.option("--log-level", default="INFO", show_default=True)
def backend_command(host: str, port: int, migrate: bool, log_level: str) -> None:
    """Run the backend service alone (uvicorn)."""
    import uvicorn

    from backend.main import create_app
    from escalation.seed import demo_agents_refusal

    config = logging_config(log_level.upper())
    logging.config.dictConfig(config)
    settings = load_settings()
    if migrate:
        upgrade_database(settings)
    if settings.is_production and (refusal := demo_agents_refusal(settings.database_url)):
        raise click.ClickException(f"production refused: {refusal}")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=config, proxy_headers=True)


@click.command("seed")
def seed_command() -> None:
    """Migrate the database, then load the service catalogue and demo citizens (repeatable)."""
    from backend.core.db import make_engine, make_sessionmaker
    from backend.seed import seed
    from common.timezone import utcnow

    logging.config.dictConfig(logging_config())
    settings = load_settings()
    if settings.is_production:
        raise click.ClickException("demo data is for development only")
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            added = seed(session=session, settings=settings, now=utcnow())
    finally:
        engine.dispose()
    click.echo(f"Seeded: {added['citizens']} citizens, {added['applications']} applications added.")


@click.command("unlock-signin")
@click.argument("id_number")
def unlock_signin_command(id_number: str) -> None:
    """Allow sign-in again for a citizen locked after an account-takeover report."""
    from backend.core.db import make_engine, make_sessionmaker
    from backend.crud.citizens import get_by_id_number, unlock_signin

    engine = make_engine(load_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            citizen = get_by_id_number(session=session, id_number=id_number)
            if citizen is None:
                raise click.ClickException("No citizen with that ID number.")
            unlock_signin(session=session, citizen=citizen)
            session.commit()
    finally:
        engine.dispose()
    click.echo("Sign-in unlocked.")


COMMANDS = (backend_command, seed_command, unlock_signin_command)
