"""The assistant's HTTP app: web chat, NLU API and health, around one runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Protocol

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from bot.app import Runtime
from bot.channels.nlu_api import create_nlu_router
from bot.channels.rest_callback import RestCallbackSender
from bot.channels.socketio_channel import create_socketio_app
from bot.channels.telegram_setup import build_telegram_channel
from bot.channels.webchat import CHANNEL as WEBCHAT
from bot.channels.webchat import create_webchat_router
from bot.channels.whatsapp import build_whatsapp_channel
from bot.core.messages import Reply, conversation_id
from bot.core.routing import Match
from bot.core.session import Session
from bot.notify.pushes import push_turn
from bot.web.busy import install_busy_handler
from bot.web.metrics import create_metrics_router
from bot.web.probes import create_probe_router
from common.request_id import RequestIdMiddleware


class PushChannel(Protocol):
    """A channel with its own API (Telegram, WhatsApp): optional webhook routes, a lifecycle."""

    name: str
    router: APIRouter | None

    async def start(self) -> None:
        """Register with the platform and start taking messages in."""
        ...

    async def stop(self) -> None:
        """Stop taking messages in."""
        ...

    async def close(self) -> None:
        """Release the channel's connections (after the runtime stopped sending)."""
        ...


def configured_channels(runtime: Runtime) -> list[PushChannel]:
    """Build the Telegram and WhatsApp channels whose settings are complete."""
    built: list[PushChannel | None] = [
        build_telegram_channel(runtime), build_whatsapp_channel(runtime)
    ]
    return [channel for channel in built if channel is not None]


def _rest_callback(runtime: Runtime) -> httpx.AsyncClient | None:
    """Send pushes of REST conversations to the configured callback URL, if there is one."""
    web = runtime.settings.web
    if not web.rest_callback_url:
        return None
    client = httpx.AsyncClient(timeout=10.0)
    runtime.add_sender(RestCallbackSender(client, web.rest_callback_url, web.rest_callback_token),
                       pushes_only=True)
    return client


async def welcome(runtime: Runtime, locale: str) -> list[Reply]:
    """Return the greeting a new chat opens with, in `locale` (else the default), no turn run."""
    handler = runtime.router.handler_for("greet")
    if handler is None:
        return []
    session = Session(conversation_id=conversation_id(WEBCHAT, ""), channel=WEBCHAT,
                      sender_id="", locale=locale or runtime.settings.default_locale)
    result = await handler.handle(push_turn(session, runtime.translations), Match(100, "greet"))
    return list(result.replies)


def create_bot_app(runtime: Runtime, channels: Sequence[PushChannel] | None = None) -> FastAPI:
    """Build the FastAPI app of the assistant; it closes the runtime on shutdown.

    `channels` default to those configured in the runtime's settings.
    """
    pushing = list(configured_channels(runtime) if channels is None else channels)
    callback = _rest_callback(runtime)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for channel in pushing:
            await channel.start()
        await runtime.start()
        try:
            yield
        finally:
            for channel in pushing:
                await channel.stop()
            await runtime.close()
            for channel in pushing:
                await channel.close()
            if callback is not None:
                await callback.aclose()

    # The API explorer is a development tool: production serves no /docs (it runs inline script).
    explorer: dict[str, Any] = {} if runtime.settings.environment == "development" else {
        "docs_url": None, "redoc_url": None, "openapi_url": None}
    # telemetry: metrics go to Prometheus; FastAPI's OpenTelemetry hooks, left on, look up
    # providers in the environment on every request for nothing.
    app = FastAPI(title="Msaidizi assistant", version="0.1.0", lifespan=lifespan,
                  telemetry={"tracing": False, "metrics": False, "logs": False}, **explorer)
    app.state.runtime = runtime
    app.add_middleware(RequestIdMiddleware)
    install_busy_handler(app, runtime.translations)
    app.state.channels = pushing
    if runtime.settings.web.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=runtime.settings.web.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"],
                           allow_credentials=False, max_age=600)
    secure = runtime.settings.web.base_url.startswith("https://")
    app.include_router(create_webchat_router(
        runtime.conversation, runtime.store, runtime.signal, runtime.web_sessions,
        runtime.translations, runtime.announcer, secure_cookie=secure,
        greeting=partial(welcome, runtime)))
    app.include_router(create_nlu_router(
        runtime.knowledge, lambda name: runtime.router.handler_for(name) is not None))
    for channel in pushing:
        if channel.router is not None:
            app.include_router(channel.router)
    app.include_router(create_probe_router(runtime.checks))
    if runtime.settings.metrics.enabled:
        app.include_router(create_metrics_router(runtime.settings.metrics, runtime.gauges))
    # rasa-webchat and Rasa's widget connect here, as to a Rasa server's socket.io channel
    app.mount("/socket.io", create_socketio_app(runtime))

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, object]:
        """Report liveness and how much knowledge is loaded."""
        return {"status": "ok", "articles": len(runtime.knowledge.article_ids())}

    return app
