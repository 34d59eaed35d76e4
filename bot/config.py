"""Settings of the assistant process, read from the environment (prefix MSAIDIZI_)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.storage.turn_path import DATABASE_WAIT

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SERVICE_KEY = "dev-service-key"
MIN_SECRET_LENGTH = 16
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


def url_problem(variable: str, url: str | None, *, allow_loopback: bool = False) -> str | None:
    """Say what is wrong with a URL that must be https in production, or None when it is fine."""
    if not url:
        return f"{variable} (unset: set the https address)"
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if allow_loopback and parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return None
    return f"{variable} (must be https)"


def secret_problem(variable: str, value: SecretStr | None, development: str | None = None
                   ) -> str | None:
    """Say what is wrong with a secret in production, or None when it is fine."""
    text = value.get_secret_value() if value is not None else ""
    if not text:
        return f"{variable} (unset)"
    if development is not None and text == development:
        return f"{variable} (the development value is public)"
    if len(text) < MIN_SECRET_LENGTH:
        return f"{variable} (shorter than {MIN_SECRET_LENGTH} characters)"
    return None


class WebSettings(BaseModel):
    """Where the HTTP server listens and how the outside world reaches it."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    link_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60,
        description="A web chat's account link ends after this long without a message.",
    )
    # Sites whose widgets may call the REST channel and /model/parse from the browser; without
    # the page's cookie such calls reach no account, so no credentials are allowed.
    cors_origins: list[str] = Field(default_factory=list)
    # Where messages that arrive later in a REST conversation (an agent's reply) are POSTed,
    # as Rasa's callback channel does; the optional token goes in an Authorization header.
    rest_callback_url: str | None = None
    rest_callback_token: SecretStr | None = None

    @property
    def base_url(self) -> str:
        """Return the public base URL, defaulting to the listening address."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return (self.public_url or f"http://{host}:{self.port}").rstrip("/")


class MatchingSettings(BaseModel):
    """Confidence bands of the FAQ matcher (0..1), chosen on the held-out set's dev half.

    Answering outright only from 0.75 with a 0.30 lead keeps a wrong answer from being
    asserted (1.8% of the dev half instead of 4.5% at 0.45/0.20); the price is a "did you
    mean" for about 5% more questions. See docs/understanding.md.
    """

    answer: float = 0.75
    margin: float = 0.30
    suggest: float = 0.20


class LimitSettings(BaseModel):
    """Rate limits in `limits` notation ("30/minute;300/hour"), shared across workers by Redis."""

    messages_per_chat: str = "30/minute;300/hour"
    messages_per_address: str = "120/minute"
    codes_per_chat: str = "6/hour"
    codes_per_address: str = "20/hour"

    @field_validator("*")
    @classmethod
    def _readable(cls, value: str) -> str:
        """Refuse at start-up a limit no turn could read ("thirty/minute", "", "30/minute;;")."""
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate limit such as '30/minute;300/hour' "
                             "('0/hour' switches it off)") from None
        return value


class BackendLink(BaseModel):
    """How the assistant reaches the backend service over HTTP."""

    url: str | None = None
    service_key: SecretStr = SecretStr(DEV_SERVICE_KEY)
    timeout_seconds: float = 5.0


class MetricsSettings(BaseModel):
    """Prometheus metrics at /metrics: on, for loopback scrapers unless a token is set."""

    enabled: bool = True
    token: SecretStr | None = Field(
        default=None,
        description="Bearer token a scraper must send; unset: only loopback clients may scrape.",
    )


class TelegramSettings(BaseModel):
    """The Telegram bot: its token, how updates arrive, and where the Bot API is."""

    token: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    api_base_url: str = "https://api.telegram.org"
    poll_timeout_seconds: int = Field(default=25, ge=0, le=50)


class WhatsAppSettings(BaseModel):
    """The WhatsApp Cloud API number, its webhook secrets and the template for late pushes."""

    access_token: SecretStr | None = None
    app_secret: SecretStr | None = None
    verify_token: SecretStr | None = None
    phone_number_id: str | None = None
    api_base_url: str = "https://graph.facebook.com"
    api_version: str = "v23.0"
    template_name: str | None = None
    template_language: str = "en"  # for a chat whose language has no entry below
    # the template's translation per chat language (Meta approves each language separately)
    template_languages: dict[str, str] = Field(default_factory=lambda: {"en": "en", "sw": "sw"})


class BotSettings(BaseSettings):
    """Everything the assistant process needs; build one in the composition root."""

    model_config = SettingsConfigDict(
        env_prefix="MSAIDIZI_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    # Redis connections a worker opens at most; a turn beyond them waits for a free one
    # (up to redis_pool_wait seconds) instead of failing: a flood slows down, it does not 500.
    redis_max_connections: int = Field(default=100, ge=2)
    redis_pool_wait: float = Field(default=20.0, gt=0)
    # How long a turn waits for another turn of its conversation (in any worker) before the
    # message is refused with 503 and Retry-After, to be sent again; nothing is stored.
    conversation_wait: float = Field(default=30.0, gt=0)
    # How long a turn's statement on PostgreSQL may take, a free connection included, before
    # it is cancelled and the message refused with 503 and Retry-After (a database gone
    # silent behind a partition); psycopg then takes up to 10 s more to end the connection.
    database_wait: float = Field(default=DATABASE_WAIT, gt=0)
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    locales_dir: Path = REPO_ROOT / "locales"
    default_locale: Literal["en", "sw"] = "en"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="text: one line each; json: one JSON object per line.")
    watch_knowledge: bool = True
    model_dir: Path | None = Field(
        default=None,
        description="Where fitted intent models are kept for every worker to load (one fit "
        "per knowledge version); data_dir/models by default, a shared volume across hosts.",
    )
    run_background: bool = Field(
        default=True,
        description="Run the once-per-deployment work in this process: deliveries, reminders, "
        "backend events, reports, retention, payment reconciliation, Telegram polling.",
    )
    migrate: bool = Field(
        default=True,
        description="Create or upgrade the databases (and load demo data) at start-up.",
    )
    retention_days: int = Field(default=90, ge=1)  # chat transcripts (told in the consent)
    secrets_key: SecretStr | None = Field(
        default=None,
        description="Key(s) sealing sign-ins at rest, comma-separated, newest first; "
        "development makes one in data_dir.",
    )
    web: WebSettings = Field(default_factory=WebSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    backend_api: BackendLink = Field(default_factory=BackendLink)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)

    def production_problems(self) -> list[str]:
        """Name every setting of the assistant and its channels unsafe in production.

        The service key is checked here only for a backend reached over the network; the
        single-process server checks the key it shares with its mounted backend itself.
        """
        problems: list[str] = []
        if self.secrets_key is None:
            problems.append("MSAIDIZI_SECRETS_KEY (unset: sign-ins at rest need the operator's "
                            "key, shared by every worker)")
        if self.database_url is None or self.database_url.startswith("sqlite"):
            problems.append("MSAIDIZI_DATABASE_URL (SQLite is for development: use PostgreSQL)")
        problems.append(url_problem("MSAIDIZI_WEB__PUBLIC_URL", self.web.public_url) or "")
        if self.backend_api.url:
            problems.append(url_problem("MSAIDIZI_BACKEND_API__URL", self.backend_api.url,
                                        allow_loopback=True) or "")
            problems.append(secret_problem("MSAIDIZI_BACKEND_API__SERVICE_KEY",
                                           self.backend_api.service_key, DEV_SERVICE_KEY) or "")
        if self.metrics.token is not None:
            problems.append(secret_problem("MSAIDIZI_METRICS__TOKEN", self.metrics.token) or "")
        problems += self._channel_problems()
        return [p for p in problems if p]

    def _channel_problems(self) -> list[str]:
        """Check the channels that are switched on (a channel left unset stays off)."""
        problems: list[str] = []
        telegram = self.telegram
        if telegram.token is not None:
            problems.append(url_problem("MSAIDIZI_TELEGRAM__API_BASE_URL",
                                        telegram.api_base_url) or "")
            secret = telegram.webhook_secret.get_secret_value() if telegram.webhook_secret else ""
            if telegram.mode == "webhook" and not _TELEGRAM_SECRET.match(secret):
                problems.append("MSAIDIZI_TELEGRAM__WEBHOOK_SECRET (16-256 of A-Z a-z 0-9 _ -)")
        whatsapp = self.whatsapp
        if any((whatsapp.access_token, whatsapp.app_secret, whatsapp.verify_token,
                whatsapp.phone_number_id)):
            problems.append(url_problem("MSAIDIZI_WHATSAPP__API_BASE_URL",
                                        whatsapp.api_base_url) or "")
            problems.append(secret_problem("MSAIDIZI_WHATSAPP__APP_SECRET",
                                           whatsapp.app_secret) or "")
            problems.append(secret_problem("MSAIDIZI_WHATSAPP__VERIFY_TOKEN",
                                           whatsapp.verify_token) or "")
            if whatsapp.access_token is None:
                problems.append("MSAIDIZI_WHATSAPP__ACCESS_TOKEN (unset)")
            if not whatsapp.phone_number_id:
                problems.append("MSAIDIZI_WHATSAPP__PHONE_NUMBER_ID (unset)")
        return problems

    @model_validator(mode="after")
    def _refuse_development_settings_in_production(self) -> BotSettings:
        """Stop a production start while any development value or unsafe setting remains."""
        if self.environment == "production" and (problems := self.production_problems()):
            raise ValueError("production settings must replace: " + "; ".join(problems))
        return self

    @property
    def bot_database_url(self) -> str:
        """Return the assistant's database URL (SQLite under data_dir by default)."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'bot.db'}"


@lru_cache(maxsize=1)
def get_settings() -> BotSettings:
    """Build the settings once per process from the environment."""
    return BotSettings()
