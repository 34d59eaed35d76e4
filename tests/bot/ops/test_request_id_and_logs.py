"""A request id from the caller through the assistant, its backend calls and the logs (JSON)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from bot.clients.backend_http import HttpBackendClient
from bot.logs import configure_logging
from common import request_id
from common.request_id import RequestIdMiddleware
from tests.helpers.server import LiveServer

logger = logging.getLogger("tests.request_id")


@pytest.mark.parametrize(("sent", "kept"), [
    ("4bf92f3577b34da6a3ce929d0e0e4736", True),
    ("lb-2026.12.06:req_42", True),
    ("short", False),
    ("has space in it", False),
    ("bad\r\nX-Injected: 1", False),
    ("x" * 129, False),
])
def test_a_well_formed_id_is_kept_and_anything_else_replaced(sent: str, kept: bool) -> None:
    chosen = request_id.accept(sent)
    assert (chosen == sent) is kept
    if not kept:
        assert len(chosen) == 32 and chosen.isalnum()


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Log as `MSAIDIZI_LOG_FORMAT=json` does, into a buffer; restore logging afterwards."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    stream = io.StringIO()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    yield stream
    root.handlers[:] = saved
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_the_id_travels_from_the_caller_through_a_backend_call_into_both_logs(
    json_logs: io.StringIO,
) -> None:
    seen: list[str | None] = []
    backend = FastAPI()
    backend.add_middleware(RequestIdMiddleware)

    @backend.get("/health/ready")
    async def ready() -> dict[str, str]:
        seen.append(request_id.current())
        logger.info("backend answered 0712345678")
        return {"status": "ok"}

    with LiveServer(backend) as backend_server:
        assistant = FastAPI()
        assistant.add_middleware(RequestIdMiddleware)
        client = HttpBackendClient(backend_server.url, "service-key-0123456789")

        @assistant.get("/probe")
        async def probe() -> dict[str, str]:
            await client.ready()
            logger.info("assistant called the backend", extra={"conversation_id": "web:abc"})
            return {"status": "ok"}

        with LiveServer(assistant) as assistant_server:
            given = "citizen-req-0001"
            response = httpx.get(f"{assistant_server.url}/probe",
                                 headers={"X-Request-ID": given})
            assert response.headers["X-Request-ID"] == given
            fresh = httpx.get(f"{assistant_server.url}/probe",
                              headers={"X-Request-ID": "no good"})
            made = fresh.headers["X-Request-ID"]
            assert made != "no good" and len(made) == 32
            assistant_server.call(client.aclose())
    assert seen == [given, made]
    lines = _lines(json_logs)
    backend_lines = [line for line in lines if str(line["message"]).startswith("backend")]
    assert [line["request_id"] for line in backend_lines] == [given, made]
    assert "0712345678" not in json_logs.getvalue()  # masked as before
    bot_line = next(line for line in lines if line["message"] == "assistant called the backend")
    assert bot_line["request_id"] == given and bot_line["conversation_id"] == "web:abc"
    assert {"time", "level", "logger"} <= set(bot_line)


def test_json_lines_mask_personal_data_in_messages_and_tracebacks(
    json_logs: io.StringIO,
) -> None:
    try:
        raise ValueError("citizen 254712345678 with ID 12345678")
    except ValueError:
        logger.exception("failed for %s", "254712345678")
    [line] = _lines(json_logs)
    assert line["level"] == "ERROR" and "request_id" not in line
    assert "254712345678" not in json_logs.getvalue()
    assert "12345678" not in json_logs.getvalue()
    assert "ValueError" in str(line["exception"])
