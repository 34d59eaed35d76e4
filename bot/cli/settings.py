"""Settings for every `msaidizi` command, with a refusal an operator can read."""

from __future__ import annotations

import click
from pydantic import ValidationError

from bot.config import BotSettings, get_settings


def load_settings() -> BotSettings:
    """Return the process settings, or stop with one line per problem (never a traceback)."""
    try:
        return get_settings()
    except ValidationError as exc:
        from backend.cli import readable_refusal  # only on refusal: it imports Alembic

        raise click.ClickException(readable_refusal(exc)) from None
