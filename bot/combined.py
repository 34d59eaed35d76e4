"""Composition root of `msaidizi serve`: assistant and backend in one process, one port."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from backend.cli import upgrade_database
from backend.config import BackendSettings
from backend.db import make_engine, make_sessionmaker, utcnow
from backend.main import create_app as create_backend_app
from backend.main import shutdown as shutdown_backend
from backend.seed import seed
from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings

logger = logging.getLogger(__name__)

BACKEND_PATH = "/backend"


def backend_settings_for(settings: BotSettings) -> BackendSettings:
    """Build the backend's settings beside the assistant's: same data folder, mounted URL."""
    environment = BackendSettings()  # MSAIDIZI_BACKEND_* from the environment win
    defaults = {
        "public_url": settings.web.base_url + BACKEND_PATH,
        "database_url": f"sqlite:///{settings.data_dir / 'backend.db'}",
        "environment": settings.environment,
    }
    chosen = {k: v for k, v in defaults.items() if k not in environment.model_fields_set}
    return environment.model_copy(update=chosen)


def seed_demo_data(settings: BackendSettings) -> None:
    """Load the catalogue and demo citizens (idempotent), in development only."""
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            added = seed(session=session, settings=settings, now=utcnow())
        logger.info("Demo data: %s", added)
    finally:
        engine.dispose()


def create_combined_app(settings: BotSettings) -> tuple[FastAPI, Runtime]:
    """Build the assistant with the backend mounted under /backend, migrated and seeded."""
    backend = backend_settings_for(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(backend)
    if not backend.is_production:
        seed_demo_data(backend)
    backend_app = create_backend_app(backend)
    if not settings.backend_api.url:
        settings.backend_api.url = backend.base_url
        settings.backend_api.service_key = backend.service_key
    runtime = build_runtime(settings)
    app = create_bot_app(runtime)

    @app.get("/console", include_in_schema=False)
    async def console() -> RedirectResponse:
        """The agent console lives in the backend."""
        return RedirectResponse(f"{BACKEND_PATH}/console", status_code=307)

    app.mount(BACKEND_PATH, backend_app)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with inner(application):
            try:
                yield
            finally:
                await shutdown_backend(backend_app)

    app.router.lifespan_context = lifespan
    return app, runtime
