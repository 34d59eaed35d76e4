"""Composition root of `msaidizi serve`: assistant and backend in one process, one port."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.api.request_guard import RequestGuard
from backend.api.security_headers import SecurityHeaders
from backend.cli import upgrade_database
from backend.config import BackendSettings
from backend.core.db import make_engine, make_sessionmaker
from backend.core.problems import install_problem_handlers
from backend.main import create_app as create_backend_app
from backend.main import shutdown as shutdown_backend
from backend.main import startup as startup_backend
from backend.ops_stats import Sample, operational_samples
from backend.seed import seed
from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.storage import schema
from common.request_id import RequestIdMiddleware
from common.timezone import utcnow
from escalation.seed import demo_agents_refusal

logger = logging.getLogger(__name__)

BACKEND_PATH = "/backend"
Environment = Literal["development", "production"]


class ProductionRefused(RuntimeError):
    """Production was asked for while development values remain; `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("production refused:\n  - " + "\n  - ".join(problems))
        self.problems = problems


class _DeclaredEnvironment(BaseSettings):
    """The two environment switches as the operator set them (None when unset)."""

    model_config = SettingsConfigDict(env_prefix="MSAIDIZI_", env_file=".env", extra="ignore")

    environment: Environment | None = None
    backend_environment: Environment | None = None


def declared_environment() -> Environment:
    """Return the process's environment; refuse two switches that disagree."""
    declared = _DeclaredEnvironment()
    chosen = {e for e in (declared.environment, declared.backend_environment) if e}
    if len(chosen) > 1:
        raise ProductionRefused(["MSAIDIZI_ENVIRONMENT and MSAIDIZI_BACKEND_ENVIRONMENT differ"])
    return chosen.pop() if chosen else "development"


def load_process_settings() -> BotSettings:
    """Read the settings of everything `msaidizi serve` runs, refusing production defaults.

    Every component is checked before any is built, so one refusal names every value to
    replace (assistant, channels, backend, the shared service key).
    """
    environment = declared_environment()
    raw = BotSettings(environment="development")  # read the values, judge them below
    if environment == "production":
        apart = bool(raw.backend_api.url)  # a backend deployed apart is judged where it runs
        problems = raw.production_problems() + ([] if apart else _backend_problems(raw))
        if problems:
            raise ProductionRefused(problems)
    return BotSettings(environment=environment)


def _backend_problems(bot: BotSettings) -> list[str]:
    values, problems = _backend_values(bot)
    derived_url = "public_url" not in _operator_backend().model_fields_set
    values["environment"] = "development"  # judged here, not refused on construction
    found = BackendSettings(**values).production_problems()
    if derived_url:  # it follows MSAIDIZI_WEB__PUBLIC_URL, which is named already
        found = [p for p in found if not p.startswith("MSAIDIZI_BACKEND_PUBLIC_URL ")]
    return problems + found


def _operator_backend() -> BackendSettings:
    """Return MSAIDIZI_BACKEND_* as the operator set them (judged later, never refused here)."""
    return BackendSettings(environment="development")


def _backend_values(settings: BotSettings) -> tuple[dict[str, Any], list[str]]:
    """Return the mounted backend's values (the operator's first) and conflicts found."""
    operator = _operator_backend()
    values: dict[str, Any] = {k: getattr(operator, k) for k in operator.model_fields_set}
    values.setdefault("public_url", settings.web.base_url + BACKEND_PATH)
    values.setdefault("data_dir", settings.data_dir)
    values["environment"] = settings.environment
    if not settings.run_background:  # payment reconciliation runs in the background worker
        values["background_jobs"] = False
    problems: list[str] = []
    if not settings.backend_api.url:  # the assistant calls this very backend: one key for both
        ours = settings.backend_api.service_key
        theirs: SecretStr | None = values.get("service_key")
        bot_set = "service_key" in settings.backend_api.model_fields_set
        if theirs is not None and bot_set and theirs.get_secret_value() != (
            ours.get_secret_value()
        ):
            problems.append("MSAIDIZI_BACKEND_API__SERVICE_KEY and MSAIDIZI_BACKEND_SERVICE_KEY "
                            "differ (set one: the assistant calls its own backend with it)")
        values["service_key"] = theirs or ours
    return values, problems


def backend_settings_for(settings: BotSettings) -> BackendSettings:
    """Build the mounted backend's settings: the operator's values, validated, never replaced."""
    values, problems = _backend_values(settings)
    if problems:
        raise ProductionRefused(problems)
    try:
        return BackendSettings(**values)
    except ValueError as exc:  # pydantic's ValidationError: production values missing
        raise ProductionRefused([str(exc)]) from exc


def seed_demo_data(settings: BackendSettings) -> None:
    """Load the catalogue and demo citizens (idempotent), in development only."""
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            added = seed(session=session, settings=settings, now=utcnow())
        logger.info("Demo data: %s", added)
    finally:
        engine.dispose()


def refuse_demo_agents(settings: BackendSettings) -> None:
    """In production, refuse to start while the public demo console users can sign in."""
    if settings.is_production and (refusal := demo_agents_refusal(settings.database_url)):
        raise ProductionRefused([refusal])


def prepare_databases(settings: BotSettings) -> None:
    """Migrate both databases, refuse public demo users in production, load demo data.

    With MSAIDIZI_BACKEND_API__URL set the backend runs apart: only the assistant's database.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    schema.upgrade(settings.bot_database_url)
    if settings.backend_api.url:
        return
    backend = backend_settings_for(settings)
    upgrade_database(backend)
    refuse_demo_agents(backend)
    if not backend.is_production:
        seed_demo_data(backend)


def several_workers_problems(settings: BotSettings) -> list[str]:
    """Name what stops several worker processes from sharing one deployment's state."""
    problems: list[str] = []
    if settings.bot_database_url.startswith("sqlite"):
        problems.append("MSAIDIZI_DATABASE_URL is SQLite: several workers need one shared "
                        "PostgreSQL database (SQLite allows one writer on one host)")
    if not settings.backend_api.url:
        backend = backend_settings_for(settings)
        if backend.database_url.startswith("sqlite"):
            problems.append("MSAIDIZI_BACKEND_DATABASE_URL is SQLite: the mounted backend of "
                            "several workers needs PostgreSQL")
    if not settings.redis_url:
        problems.append("MSAIDIZI_REDIS_URL is unset: several workers share conversation "
                        "locks, rate limits and live pushes through Redis")
    return problems


def create_combined_app(settings: BotSettings) -> tuple[FastAPI, Runtime]:
    """Build the assistant with the backend mounted under /backend, migrated when asked.

    `msaidizi serve --workers N` migrates once and starts each worker with migrate off. With
    MSAIDIZI_BACKEND_API__URL set the backend (and console) run apart and nothing is mounted.
    """
    if settings.migrate:
        prepare_databases(settings)
    if settings.backend_api.url:
        return _assistant_alone(settings)
    backend = backend_settings_for(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    backend_app = create_backend_app(backend)
    if not settings.backend_api.url:  # talk to the mounted backend, with the shared key
        link = settings.backend_api.model_copy(
            update={"url": backend.base_url, "service_key": backend.service_key})
        settings = BotSettings.model_validate({**settings.model_dump(), "backend_api": link})
    runtime = build_runtime(settings, migrate=False)
    container = backend_app.state.container

    async def backend_samples() -> Sequence[Sample]:
        """Read the mounted backend's queues and payments (a worker thread: sync sessions)."""
        return await asyncio.to_thread(operational_samples, container.session_factory, utcnow())

    runtime.gauges.append(backend_samples)
    app = _guarded(create_bot_app(runtime))

    @app.get("/console", include_in_schema=False)
    async def console() -> RedirectResponse:
        """The agent console lives in the backend."""
        return RedirectResponse(f"{BACKEND_PATH}/console", status_code=307)

    app.mount(BACKEND_PATH, backend_app)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with inner(application):
            await startup_backend(backend_app)  # a mounted app's own lifespan never runs
            try:
                yield
            finally:
                await shutdown_backend(backend_app)

    app.router.lifespan_context = lifespan
    return app, runtime


def _guarded(app: FastAPI) -> FastAPI:
    """Give every route (the mounted backend's too) headers, body rules, problem+json, ids."""
    app.add_middleware(RequestGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIdMiddleware)  # outermost: refusals carry an id too
    install_problem_handlers(app)
    return app


def _assistant_alone(settings: BotSettings) -> tuple[FastAPI, Runtime]:
    """Build the assistant that reaches a backend deployed apart (no /backend, no /console)."""
    runtime = build_runtime(settings, migrate=False)
    return _guarded(create_bot_app(runtime)), runtime
