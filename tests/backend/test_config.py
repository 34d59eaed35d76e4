from datetime import timedelta

import pytest
from pydantic import ValidationError

from backend.config import BackendSettings, get_settings
from tests.helpers.production import BACKEND_PRODUCTION, backend_production


def test_settings_development_defaults() -> None:
    settings = BackendSettings()
    assert settings.database_url == "sqlite:///var/backend.db"
    assert settings.service_key.get_secret_value() == "dev-service-key"
    assert settings.simulator_delay_seconds == 3
    assert settings.daraja_base_url == "http://127.0.0.1:8000/dev/daraja"
    assert settings.uses_simulator
    assert "dev-service-key" not in repr(settings)


def test_settings_database_follows_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSAIDIZI_DATA_DIR", "/srv/msaidizi")
    assert BackendSettings().database_url == "sqlite:////srv/msaidizi/backend.db"
    monkeypatch.setenv("MSAIDIZI_BACKEND_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert BackendSettings().database_url == "postgresql+psycopg://u@h/db"


def test_settings_urls_follow_public_url() -> None:
    settings = BackendSettings(public_url="https://example.test/backend/")
    assert settings.url("/receipts/X") == "https://example.test/backend/receipts/X"
    assert settings.daraja_base_url == "https://example.test/backend/dev/daraja"


def test_settings_production_refuses_every_default_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        BackendSettings(environment="production")
    message = str(caught.value)
    for name in ("SERVICE_KEY", "OTP_SECRET", "LINK_SECRET", "CALLBACK_TOKEN",
                 "MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_PASSKEY",
                 "MPESA_BASE_URL", "DATABASE_URL", "PUBLIC_URL", "OTP_SENDER"):
        assert f"MSAIDIZI_BACKEND_{name} " in message, name


def test_settings_production_accepts_the_operators_values() -> None:
    settings = backend_production()
    assert settings.is_production
    assert settings.production_problems() == []
    assert settings.daraja_base_url == "https://api.safaricom.co.ke"
    assert settings.service_key.get_secret_value() == (
        BACKEND_PRODUCTION["MSAIDIZI_BACKEND_SERVICE_KEY"])
    assert not settings.uses_simulator


def test_settings_production_refuses_an_http_callback_address() -> None:
    with pytest.raises(ValidationError, match="MSAIDIZI_BACKEND_PUBLIC_URL"):
        backend_production(public_url="http://msaidizi.example.go.ke/backend")


def test_settings_read_env_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSAIDIZI_BACKEND_SERVICE_KEY", "from-env")
    monkeypatch.setenv("MSAIDIZI_BACKEND_TOKEN_TTL", "P7D")
    monkeypatch.setenv("MSAIDIZI_BACKEND_MPESA_CALLBACK_ALLOWLIST", '["196.201.214.0/24"]')
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.service_key.get_secret_value() == "from-env"
        assert settings.token_ttl == timedelta(days=7)
        assert [str(n) for n in settings.mpesa_callback_allowlist] == ["196.201.214.0/24"]
        assert get_settings() is settings
    finally:
        get_settings.cache_clear()
