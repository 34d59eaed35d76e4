"""ASGI entry point for process managers: `uvicorn --factory bot.web.asgi:create_app`.

Settings come from the environment (MSAIDIZI_*), as for `msaidizi serve`; every worker process
that uvicorn (or gunicorn with uvicorn workers) starts calls `create_app` once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.heap import built_for_life

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app() -> FastAPI:
    """Build the assistant with its mounted backend from the environment's settings."""
    with built_for_life():
        # imported here, inside the paused collector: most of a worker's start-up is imports
        from bot.combined import create_combined_app, load_process_settings
        from bot.logs import configure_logging

        settings = load_process_settings()
        configure_logging(settings.log_level, settings.log_format)
        app, _ = create_combined_app(settings)
    return app
