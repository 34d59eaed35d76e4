"""The floor for turn benchmarks: a bare FastAPI endpoint shaped like the REST channel.

Served exactly as `msaidizi serve` serves the assistant (uvicorn, same workers), it answers
`POST /webhooks/rest/webhook` with one canned reply and does nothing else.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})  # as the assistant


class RestMessage(BaseModel):
    """The REST channel's body."""

    sender: str
    message: str


@app.post("/webhooks/rest/webhook")
async def webhook(body: RestMessage) -> list[dict[str, Any]]:
    """Answer with one canned reply."""
    return [{"recipient_id": body.sender, "text": "ok"}]


@app.get("/health")
async def health() -> dict[str, str]:
    """Say it is up."""
    return {"status": "ok"}
