import pytest
from pydantic import ValidationError

from backend.config import BackendSettings, get_settings
from tests.backend.api.routes.test_dev import PRODUCTION


def test_settings_development_defaults() -> None:
    settings = BackendSettings()
    assert settings.database_url == "sqlite:///./var/backend.db"
    assert settings.service_key.get_secret_value() == "dev-service-key"
    assert settings.simulator_delay_seconds == 3
    assert settings.daraja_base_url == "http://127.0.0.1:8000/dev/daraja"
    assert "dev-service-key" not in repr(settings)


def test_settings_urls_follow_public_url() -> None:
    settings = BackendSettings(public_url="https://example.test/backend/")
    assert settings.url("/receipts/X") == "https://example.test/backend/receipts/X"
    assert settings.daraja_base_url == "https://example.test/backend/dev/daraja"


def test_settings_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError) as caught:
        BackendSettings(environment="production")
    message = str(caught.value)
    for name in ("service_key", "otp_secret", "link_secret", "callback_token",
                 "mpesa_consumer_key", "mpesa_base_url", "otp_sender"):
        assert name in message


def test_settings_production_accepts_real_values() -> None:
    settings = BackendSettings(**PRODUCTION)  # type: ignore[arg-type]
    assert settings.is_production
    assert settings.daraja_base_url == "https://sandbox.safaricom.co.ke"


def test_settings_read_env_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSAIDIZI_BACKEND_SERVICE_KEY", "from-env")
    monkeypatch.setenv("MSAIDIZI_BACKEND_TOKEN_TTL", "P7D")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.service_key.get_secret_value() == "from-env"
        assert settings.token_ttl.days == 7
        assert get_settings() is settings
    finally:
        get_settings.cache_clear()
