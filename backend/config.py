"""Settings of the backend service, read from `MSAIDIZI_BACKEND_*` environment variables."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from backend.core.settings import DEV_SERVICE_KEY, ENV_PREFIX, CoreSettings

# Development defaults. They are public (they are in this file), so production refuses them.
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
    "mpesa_passkey": SANDBOX_PASSKEY,
}
_OWN_SECRETS = ("service_key", "otp_secret", "link_secret", "callback_token")
MIN_SECRET_LENGTH = 16
SIMULATOR_PATH = "/dev/daraja"


def is_https(url: str | None) -> bool:
    """Tell whether `url` is an absolute https URL with a host."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


class BackendSettings(CoreSettings):
    """Everything the backend needs to run; build it directly in tests.

    The kernel's part (environment, database, public URL, service key) is `CoreSettings`,
    which escalation reads too.
    """

    otp_secret: SecretStr = SecretStr(DEV_OTP_SECRET)
    link_secret: SecretStr = SecretStr(DEV_LINK_SECRET)
    callback_token: SecretStr = SecretStr(DEV_CALLBACK_TOKEN)

    token_ttl: timedelta = timedelta(days=30)
    otp_ttl: timedelta = timedelta(minutes=5)
    otp_max_attempts: int = 5
    otp_lockout: timedelta = timedelta(minutes=15)
    otp_resend_interval: timedelta = timedelta(seconds=60)
    otp_max_per_hour: int = Field(
        default=5, ge=1, description="Codes per hour for one identifier typed in one chat."
    )
    otp_max_per_hour_account: int = Field(
        default=10, ge=1,
        description="SMS per hour to one account from chats it never signed in from.",
    )
    otp_sender: Literal["outbox", "log", "http"] = "outbox"
    sms_gateway_url: str | None = None
    sms_gateway_token: SecretStr | None = None

    receipt_link_ttl: timedelta = timedelta(hours=24)
    paybill_number: str = "222222"

    mpesa_base_url: str | None = Field(
        default=None, description="Daraja base URL; empty means the built-in simulator."
    )
    mpesa_consumer_key: SecretStr = SecretStr(DEV_MPESA_CONSUMER_KEY)
    mpesa_consumer_secret: SecretStr = SecretStr(DEV_MPESA_CONSUMER_SECRET)
    mpesa_shortcode: str = "174379"
    mpesa_party_b: str | None = Field(
        default=None, description="Till number for CustomerBuyGoodsOnline; the shortcode else."
    )
    mpesa_passkey: SecretStr = SecretStr(SANDBOX_PASSKEY)
    mpesa_transaction_type: Literal["CustomerPayBillOnline", "CustomerBuyGoodsOnline"] = (
        "CustomerPayBillOnline"
    )
    mpesa_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    mpesa_retries: int = Field(default=2, ge=0, le=5)
    mpesa_backoff_seconds: float = Field(default=0.5, ge=0, le=10)
    mpesa_query_after: timedelta = Field(
        default=timedelta(seconds=20),
        description="How long after a push without a callback the reconciler first asks Daraja.",
    )
    mpesa_prompt_lifetime: timedelta = Field(
        default=timedelta(seconds=90),
        description="After this a prompt is over at Daraja (it gives up after about a minute).",
    )
    mpesa_recheck_max: timedelta = Field(
        default=timedelta(minutes=5), description="Longest wait between two reconciler checks."
    )
    mpesa_callback_allowlist: tuple[IPv4Network | IPv6Network, ...] = Field(
        default=(),
        description="Source networks M-Pesa callbacks may come from; empty accepts any.",
    )
    payment_reserve_lease: timedelta = Field(
        default=timedelta(seconds=60),
        description="A recorded prompt not sent after this was lost in a crash: failed.",
    )
    reconcile_interval_seconds: float = Field(default=2.0, gt=0, le=60)
    background_jobs: bool = Field(
        default=True,
        description="Run payment reconciliation in this process (safe in several at once).",
    )
    idempotency_lease: timedelta = Field(
        default=timedelta(seconds=60),
        description="An unfinished Idempotency-Key older than this was left by a crash.",
    )

    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token Prometheus sends to GET /metrics; unset: loopback clients only.",
    )

    simulator_delay_seconds: float = 3.0

    @property
    def daraja_base_url(self) -> str:
        """Return the Daraja base URL, the built-in simulator when none is configured."""
        return (self.mpesa_base_url or f"{self.base_url}/dev/daraja").rstrip("/")

    @property
    def uses_simulator(self) -> bool:
        """Tell whether payments go to the built-in Daraja simulator."""
        return self.mpesa_base_url is None or SIMULATOR_PATH in self.mpesa_base_url

    def production_problems(self) -> list[str]:
        """Name every setting that still holds a development value or is unsafe in production."""
        problems = [
            f"{ENV_PREFIX}{name.upper()} (the development value is public)"
            for name, default in _DEFAULT_SECRETS.items()
            if getattr(self, name).get_secret_value() == default
        ]
        problems += [
            f"{ENV_PREFIX}{name.upper()} (shorter than {MIN_SECRET_LENGTH} characters)"
            for name in _OWN_SECRETS
            if 0 < len(getattr(self, name).get_secret_value()) < MIN_SECRET_LENGTH
            and getattr(self, name).get_secret_value() != _DEFAULT_SECRETS[name]
        ]
        if self.database_url.startswith("sqlite"):
            problems.append(f"{ENV_PREFIX}DATABASE_URL (SQLite is for development: use PostgreSQL)")
        if self.uses_simulator:
            problems.append(f"{ENV_PREFIX}MPESA_BASE_URL (points at the development simulator)")
        elif not is_https(self.mpesa_base_url):
            problems.append(f"{ENV_PREFIX}MPESA_BASE_URL (must be https)")
        if not is_https(self.public_url):
            problems.append(
                f"{ENV_PREFIX}PUBLIC_URL (must be https: M-Pesa calls back and receipts link to it)"
            )
        if self.otp_sender == "outbox":
            problems.append(f"{ENV_PREFIX}OTP_SENDER (the outbox is for development)")
        if self.metrics_token is not None and (
                len(self.metrics_token.get_secret_value()) < MIN_SECRET_LENGTH):
            problems.append(f"{ENV_PREFIX}METRICS_TOKEN (shorter than {MIN_SECRET_LENGTH} "
                            "characters)")
        if self.otp_sender == "http" and not is_https(self.sms_gateway_url):
            problems.append(f"{ENV_PREFIX}SMS_GATEWAY_URL (an https URL is needed)")
        return problems

    @model_validator(mode="after")
    def _refuse_defaults_in_production(self) -> Self:
        if self.is_production and (problems := self.production_problems()):
            raise ValueError("production settings must replace: " + "; ".join(problems))
        return self


@lru_cache(maxsize=1)
def get_settings() -> BackendSettings:
    """Read the settings from the environment once per process."""
    return BackendSettings()
