"""Settings of the backend service, read from `MSAIDIZI_BACKEND_*` environment variables."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development defaults. They are public (they are in this file), so production refuses them.
DEV_SERVICE_KEY = "dev-service-key"
DEV_OTP_SECRET = "dev-otp-secret-change-me"  # noqa: S105
DEV_LINK_SECRET = "dev-link-secret-change-me"  # noqa: S105
DEV_CALLBACK_TOKEN = "dev-callback-token"  # noqa: S105
DEV_MPESA_CONSUMER_KEY = "dev-consumer-key"
DEV_MPESA_CONSUMER_SECRET = "dev-consumer-secret"  # noqa: S105
# Safaricom's published sandbox pass key for shortcode 174379 (not a secret).
SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"

_DEFAULT_SECRETS = {
    "service_key": DEV_SERVICE_KEY,
    "otp_secret": DEV_OTP_SECRET,
    "link_secret": DEV_LINK_SECRET,
    "callback_token": DEV_CALLBACK_TOKEN,
    "mpesa_consumer_key": DEV_MPESA_CONSUMER_KEY,
    "mpesa_consumer_secret": DEV_MPESA_CONSUMER_SECRET,
}


class BackendSettings(BaseSettings):
    """Everything the backend needs to run; build it directly in tests."""

    model_config = SettingsConfigDict(
        env_prefix="MSAIDIZI_BACKEND_", env_file=None, extra="ignore", frozen=True
    )

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./var/backend.db"
    database_echo: bool = False
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Base URL the backend is reachable at from outside (no trailing slash).",
    )

    service_key: SecretStr = SecretStr(DEV_SERVICE_KEY)
    otp_secret: SecretStr = SecretStr(DEV_OTP_SECRET)
    link_secret: SecretStr = SecretStr(DEV_LINK_SECRET)
    callback_token: SecretStr = SecretStr(DEV_CALLBACK_TOKEN)

    token_ttl: timedelta = timedelta(days=30)
    otp_ttl: timedelta = timedelta(minutes=5)
    otp_max_attempts: int = 5
    otp_lockout: timedelta = timedelta(minutes=15)
    otp_resend_interval: timedelta = timedelta(seconds=60)
    otp_max_per_hour: int = 5
    otp_sender: Literal["outbox", "log", "http"] = "outbox"
    sms_gateway_url: str | None = None
    sms_gateway_token: SecretStr | None = None

    receipt_link_ttl: timedelta = timedelta(hours=24)
    paybill_number: str = "222222"
    payment_pending_ttl: timedelta = timedelta(minutes=5)

    mpesa_base_url: str | None = Field(
        default=None, description="Daraja base URL; empty means the built-in simulator."
    )
    mpesa_consumer_key: SecretStr = SecretStr(DEV_MPESA_CONSUMER_KEY)
    mpesa_consumer_secret: SecretStr = SecretStr(DEV_MPESA_CONSUMER_SECRET)
    mpesa_shortcode: str = "174379"
    mpesa_passkey: SecretStr = SecretStr(SANDBOX_PASSKEY)
    mpesa_transaction_type: Literal["CustomerPayBillOnline", "CustomerBuyGoodsOnline"] = (
        "CustomerPayBillOnline"
    )
    mpesa_timeout_seconds: float = 10.0
    mpesa_query_after: timedelta = Field(
        default=timedelta(seconds=20),
        description="Age of a pending M-Pesa payment after which a status read asks Daraja.",
    )

    simulator_delay_seconds: float = 3.0

    @property
    def is_production(self) -> bool:
        """Tell whether this is a production deployment."""
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        """Return `public_url` without a trailing slash."""
        return self.public_url.rstrip("/")

    @property
    def daraja_base_url(self) -> str:
        """Return the Daraja base URL, the built-in simulator when none is configured."""
        return (self.mpesa_base_url or f"{self.base_url}/dev/daraja").rstrip("/")

    def url(self, path: str) -> str:
        """Build an absolute URL for a backend path; every outside link goes through here."""
        return f"{self.base_url}/{path.lstrip('/')}"

    @model_validator(mode="after")
    def _refuse_defaults_in_production(self) -> Self:
        if not self.is_production:
            return self
        problems = [
            name
            for name, default in _DEFAULT_SECRETS.items()
            if getattr(self, name).get_secret_value() == default
        ]
        if self.mpesa_base_url is None:
            problems.append("mpesa_base_url (the simulator does not exist in production)")
        if self.otp_sender == "outbox":
            problems.append("otp_sender (the outbox is for development)")
        if self.otp_sender == "http" and not self.sms_gateway_url:
            problems.append("sms_gateway_url")
        for name in ("service_key", "otp_secret", "link_secret", "callback_token"):
            if len(getattr(self, name).get_secret_value()) < 16:
                problems.append(f"{name} (shorter than 16 characters)")
        if problems:
            raise ValueError("production settings must replace: " + ", ".join(problems))
        return self


@lru_cache(maxsize=1)
def get_settings() -> BackendSettings:
    """Read the settings from the environment once per process."""
    return BackendSettings()
