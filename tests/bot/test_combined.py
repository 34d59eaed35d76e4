"""One production switch: every component refuses development values; operators' values win."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.combined import (
    ProductionRefused,
    backend_settings_for,
    create_combined_app,
    load_process_settings,
)
from tests.helpers.production import BACKEND_PRODUCTION, BOT_PRODUCTION, DEVELOPMENT_DEFAULTS
from tests.helpers.services import private_schema


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> dict[str, str]:
    """A complete production configuration in the environment, nothing else of ours."""
    import os

    for name in list(os.environ):
        if name.startswith("MSAIDIZI_") and not name.startswith("MSAIDIZI_TEST_"):
            monkeypatch.delenv(name)
    values = {**BOT_PRODUCTION, **BACKEND_PRODUCTION}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.mark.parametrize(("variable", "value", "named"), DEVELOPMENT_DEFAULTS,
                         ids=[f"{v}={x}" for v, x, _ in DEVELOPMENT_DEFAULTS])
def test_production_refuses_each_development_default_by_name(
    operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    variable: str, value: str | None, named: str,
) -> None:
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ProductionRefused) as caught:
        load_process_settings()
    assert [p.split(" ")[0] for p in caught.value.problems] == [named]


def test_production_names_every_default_in_one_refusal(
    operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in operator_env:
        if name != "MSAIDIZI_ENVIRONMENT":
            monkeypatch.delenv(name)
    with pytest.raises(ProductionRefused) as caught:
        load_process_settings()
    named = {p.split(" ")[0] for p in caught.value.problems}
    assert {n for _, _, n in DEVELOPMENT_DEFAULTS} - named == {"MSAIDIZI_BACKEND_SMS_GATEWAY_URL"}


def test_production_switch_on_the_backend_side_alone_counts(
    operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MSAIDIZI_ENVIRONMENT")
    monkeypatch.setenv("MSAIDIZI_BACKEND_ENVIRONMENT", "production")
    assert load_process_settings().environment == "production"
    monkeypatch.setenv("MSAIDIZI_ENVIRONMENT", "development")
    with pytest.raises(ProductionRefused, match="differ"):
        load_process_settings()


def test_production_uses_the_operators_service_key_for_both_sides(
    operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MSAIDIZI_BACKEND_SERVICE_KEY")
    monkeypatch.setenv("MSAIDIZI_BACKEND_API__SERVICE_KEY", "assistant-side-key-0123456789")
    backend = backend_settings_for(load_process_settings())
    assert backend.service_key.get_secret_value() == "assistant-side-key-0123456789"
    monkeypatch.setenv("MSAIDIZI_BACKEND_SERVICE_KEY", "backend-side-key-0123456789")
    with pytest.raises(ProductionRefused, match="differ"):
        load_process_settings()


@pytest.fixture
def operator_databases(operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
                       ) -> Iterator[None]:
    """Point both databases at private PostgreSQL schemas (production refuses SQLite)."""
    with private_schema("msz_prod_bot") as bot_url, private_schema("msz_prod_be") as backend_url:
        monkeypatch.setenv("MSAIDIZI_DATABASE_URL", bot_url)
        monkeypatch.setenv("MSAIDIZI_BACKEND_DATABASE_URL", backend_url)
        yield


@pytest.mark.postgres
async def test_production_starts_with_the_operators_values(operator_databases: None) -> None:
    settings = load_process_settings()
    app, runtime = create_combined_app(settings)
    backend = app.routes[-1].app.state.container  # type: ignore[attr-defined]
    try:
        assert backend.settings.is_production and backend.simulator is None
        assert backend.settings.daraja_base_url == "https://api.safaricom.co.ke"
        assert backend.settings.public_url == "https://msaidizi.example.go.ke/backend"
        operator_key = BACKEND_PRODUCTION["MSAIDIZI_BACKEND_SERVICE_KEY"]
        assert runtime.settings.backend_api.service_key.get_secret_value() == operator_key
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as web:
            events = "/backend/api/v1/service/events"
            assert (await web.get(events, headers={"X-Service-Key": operator_key})
                    ).status_code == 200
            assert (await web.get(events, headers={"X-Service-Key": "dev-service-key"})
                    ).status_code == 401
            callback = "/backend/api/v1/mpesa/callback/"
            assert (await web.post(callback + "dev-callback-token", json={})).status_code == 404
            token = BACKEND_PRODUCTION["MSAIDIZI_BACKEND_CALLBACK_TOKEN"]
            assert (await web.post(callback + token, json={})).status_code == 200
            assert (await web.get("/backend/dev/outbox")).status_code == 404
    finally:
        await runtime.close()
        backend.close()


@pytest.mark.postgres
def test_production_refuses_to_start_while_demo_agents_can_sign_in(
    operator_databases: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backend.cli import upgrade_database
    from backend.core.db import make_engine, make_sessionmaker
    from common.timezone import utcnow
    from escalation.seed import seed_demo_agents

    settings = load_process_settings()
    backend = backend_settings_for(settings)
    upgrade_database(backend)
    engine = make_engine(backend.database_url)
    with make_sessionmaker(engine)() as session:
        seed_demo_agents(session=session, production=False, now=utcnow())
        session.commit()
    engine.dispose()
    with pytest.raises(ProductionRefused, match=r"agent@example\.go\.ke"):
        create_combined_app(settings)


@pytest.mark.parametrize("command", [["serve"], ["backend"], ["telegram"], ["chat"]])
def test_every_command_refuses_production_defaults_without_a_traceback(
    operator_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, command: list[str],
) -> None:
    monkeypatch.setenv("MSAIDIZI_BACKEND_ENVIRONMENT", "production")
    monkeypatch.setenv("MSAIDIZI_DATABASE_URL", "sqlite+aiosqlite:////tmp/x.db")
    monkeypatch.setenv("MSAIDIZI_BACKEND_CALLBACK_TOKEN", "dev-callback-token")
    from backend.config import get_settings as backend_settings
    from bot.config import get_settings as bot_settings

    bot_settings.cache_clear()  # the commands read the environment as a new process would
    backend_settings.cache_clear()
    result = CliRunner().invoke(main, command)
    bot_settings.cache_clear()
    backend_settings.cache_clear()
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    expected = ("MSAIDIZI_BACKEND_CALLBACK_TOKEN" if command == ["backend"]
                else "MSAIDIZI_DATABASE_URL")
    assert expected in result.output, result.output
