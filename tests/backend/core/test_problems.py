"""Errors rendered as problem+json: a database that did not answer is a 503, not a bug."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError

from backend.core.problems import install_problem_handlers
from tests.backend.helpers import assert_problem


def _app(error: Exception) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/fails")
    def fails() -> None:
        raise error

    return app


async def _get(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get("/fails")


async def test_a_lost_database_connection_asks_the_caller_to_try_again(
        caplog: pytest.LogCaptureFixture) -> None:
    lost = OperationalError("SELECT * FROM citizens WHERE phone = %(p)s", {"p": "0712345678"},
                            ConnectionError("terminating connection"),
                            connection_invalidated=True)
    with caplog.at_level(logging.WARNING):
        response = await _get(_app(lost))
    assert_problem(response, 503, "database-unavailable")
    assert response.headers["Retry-After"] == "5"
    assert "0712345678" not in caplog.text  # the statement's values are never logged
    assert "ConnectionError" in caplog.text


async def test_a_missing_table_is_a_fault_not_a_reason_to_try_again() -> None:
    broken = OperationalError("SELECT * FROM citizens", {}, Exception("no such table: citizens"))
    response = await _get(_app(broken))
    assert_problem(response, 500, "internal-error")


async def test_any_other_error_is_still_an_internal_error() -> None:
    response = await _get(_app(RuntimeError("bug")))
    assert_problem(response, 500, "internal-error")
