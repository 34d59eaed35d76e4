"""A complete production configuration, and each development default it must refuse."""

from __future__ import annotations

from typing import Any

from backend.config import SANDBOX_PASSKEY, BackendSettings

# The backend's settings as an operator would set them (MSAIDIZI_BACKEND_*).
BACKEND_PRODUCTION: dict[str, str] = {
    "MSAIDIZI_BACKEND_DATABASE_URL": "postgresql+psycopg://msaidizi@db.internal:5432/backend",
    "MSAIDIZI_BACKEND_SERVICE_KEY": "operator-service-key-0123456789",
    "MSAIDIZI_BACKEND_OTP_SECRET": "operator-otp-secret-0123456789",
    "MSAIDIZI_BACKEND_LINK_SECRET": "operator-link-secret-0123456789",
    "MSAIDIZI_BACKEND_CALLBACK_TOKEN": "operator-callback-token-0123456789",
    "MSAIDIZI_BACKEND_MPESA_CONSUMER_KEY": "operator-consumer-key",
    "MSAIDIZI_BACKEND_MPESA_CONSUMER_SECRET": "operator-consumer-secret",
    "MSAIDIZI_BACKEND_MPESA_PASSKEY": "operator-passkey-0123456789abcdef",
    "MSAIDIZI_BACKEND_MPESA_SHORTCODE": "4123456",
    "MSAIDIZI_BACKEND_MPESA_BASE_URL": "https://api.safaricom.co.ke",
    "MSAIDIZI_BACKEND_OTP_SENDER": "http",
    "MSAIDIZI_BACKEND_SMS_GATEWAY_URL": "https://sms.example.go.ke/send",
}
# The assistant's own (MSAIDIZI_*): the public address and its database.
BOT_PRODUCTION: dict[str, str] = {
    "MSAIDIZI_ENVIRONMENT": "production",
    "MSAIDIZI_DATABASE_URL": "postgresql+psycopg://msaidizi@db.internal:5432/assistant",
    "MSAIDIZI_WEB__PUBLIC_URL": "https://msaidizi.example.go.ke",
    "MSAIDIZI_SECRETS_KEY": "operator-sealing-key-0123456789",
}
# Each development default (or unsafe value) and the variable the refusal must name.
DEVELOPMENT_DEFAULTS: list[tuple[str, str | None, str]] = [
    ("MSAIDIZI_BACKEND_SERVICE_KEY", None, "MSAIDIZI_BACKEND_SERVICE_KEY"),
    ("MSAIDIZI_BACKEND_SERVICE_KEY", "dev-service-key", "MSAIDIZI_BACKEND_SERVICE_KEY"),
    ("MSAIDIZI_BACKEND_OTP_SECRET", None, "MSAIDIZI_BACKEND_OTP_SECRET"),
    ("MSAIDIZI_BACKEND_LINK_SECRET", None, "MSAIDIZI_BACKEND_LINK_SECRET"),
    ("MSAIDIZI_BACKEND_LINK_SECRET", "short", "MSAIDIZI_BACKEND_LINK_SECRET"),
    ("MSAIDIZI_BACKEND_CALLBACK_TOKEN", None, "MSAIDIZI_BACKEND_CALLBACK_TOKEN"),
    ("MSAIDIZI_BACKEND_CALLBACK_TOKEN", "dev-callback-token", "MSAIDIZI_BACKEND_CALLBACK_TOKEN"),
    ("MSAIDIZI_BACKEND_MPESA_CONSUMER_KEY", None, "MSAIDIZI_BACKEND_MPESA_CONSUMER_KEY"),
    ("MSAIDIZI_BACKEND_MPESA_CONSUMER_SECRET", None, "MSAIDIZI_BACKEND_MPESA_CONSUMER_SECRET"),
    ("MSAIDIZI_BACKEND_MPESA_PASSKEY", None, "MSAIDIZI_BACKEND_MPESA_PASSKEY"),
    ("MSAIDIZI_BACKEND_MPESA_BASE_URL", None, "MSAIDIZI_BACKEND_MPESA_BASE_URL"),
    ("MSAIDIZI_BACKEND_MPESA_BASE_URL", "https://msaidizi.example.go.ke/backend/dev/daraja",
     "MSAIDIZI_BACKEND_MPESA_BASE_URL"),
    ("MSAIDIZI_BACKEND_MPESA_BASE_URL", "http://api.safaricom.co.ke",
     "MSAIDIZI_BACKEND_MPESA_BASE_URL"),
    ("MSAIDIZI_BACKEND_DATABASE_URL", None, "MSAIDIZI_BACKEND_DATABASE_URL"),
    ("MSAIDIZI_BACKEND_DATABASE_URL", "sqlite:////srv/backend.db", "MSAIDIZI_BACKEND_DATABASE_URL"),
    ("MSAIDIZI_BACKEND_OTP_SENDER", None, "MSAIDIZI_BACKEND_OTP_SENDER"),
    ("MSAIDIZI_BACKEND_SMS_GATEWAY_URL", "http://sms.example.go.ke/send",
     "MSAIDIZI_BACKEND_SMS_GATEWAY_URL"),
    ("MSAIDIZI_DATABASE_URL", None, "MSAIDIZI_DATABASE_URL"),
    ("MSAIDIZI_DATABASE_URL", "sqlite+aiosqlite:////srv/bot.db", "MSAIDIZI_DATABASE_URL"),
    ("MSAIDIZI_WEB__PUBLIC_URL", None, "MSAIDIZI_WEB__PUBLIC_URL"),
    ("MSAIDIZI_WEB__PUBLIC_URL", "http://msaidizi.example.go.ke", "MSAIDIZI_WEB__PUBLIC_URL"),
    ("MSAIDIZI_SECRETS_KEY", None, "MSAIDIZI_SECRETS_KEY"),
]


def backend_production(database_url: str | None = None, **overrides: Any) -> BackendSettings:
    """Return validated production backend settings, then point them at a test database.

    The database swap skips validation on purpose: tests run production code paths on a
    throwaway SQLite file that production itself would refuse.
    """
    values: dict[str, Any] = {
        key.removeprefix("MSAIDIZI_BACKEND_").lower(): value
        for key, value in BACKEND_PRODUCTION.items()
    }
    values.update(environment="production", public_url="https://msaidizi.example.go.ke/backend")
    values.update(overrides)
    settings = BackendSettings(**values)
    if database_url is None:
        return settings
    return settings.model_copy(update={"database_url": database_url})


assert SANDBOX_PASSKEY not in BACKEND_PRODUCTION.values()
