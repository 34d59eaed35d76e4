"""The assistant's HTTP app: web chat, NLU API and health, around one runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.app import Runtime
from bot.channels.nlu_api import create_nlu_router
from bot.channels.webchat import create_webchat_router


def create_bot_app(runtime: Runtime) -> FastAPI:
    """Build the FastAPI app of the assistant; it closes the runtime on shutdown."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        yield
        await runtime.close()

    app = FastAPI(title="Msaidizi assistant", version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    app.include_router(
        create_webchat_router(runtime.conversation, runtime.store, runtime.signal)
    )
    app.include_router(create_nlu_router(runtime.knowledge))

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, object]:
        """Report liveness and how much knowledge is loaded."""
        return {"status": "ok", "articles": len(runtime.knowledge.article_ids())}

    return app
