"""Settings of the assistant process, read from the environment (prefix MSAIDIZI_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SERVICE_KEY = "dev-service-key"


class WebSettings(BaseModel):
    """Where the HTTP server listens and how the outside world reaches it."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None

    @property
    def base_url(self) -> str:
        """Return the public base URL, defaulting to the listening address."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return (self.public_url or f"http://{host}:{self.port}").rstrip("/")


class MatchingSettings(BaseModel):
    """Confidence bands of the FAQ matcher (0..1), chosen by k-fold runs over the knowledge."""

    answer: float = 0.45
    margin: float = 0.20
    suggest: float = 0.20


class BackendLink(BaseModel):
    """How the assistant reaches the backend service over HTTP."""

    url: str | None = None
    service_key: SecretStr = SecretStr(DEV_SERVICE_KEY)
    timeout_seconds: float = 5.0


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
    template_language: str = "en"


class BotSettings(BaseSettings):
    """Everything the assistant process needs; build one in the composition root."""

    model_config = SettingsConfigDict(
        env_prefix="MSAIDIZI_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    locales_dir: Path = REPO_ROOT / "locales"
    default_locale: Literal["en", "sw"] = "en"
    log_level: str = "INFO"
    watch_knowledge: bool = True
    retention_days: int = Field(default=90, ge=1)  # chat transcripts (told in the consent)
    web: WebSettings = Field(default_factory=WebSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    backend_api: BackendLink = Field(default_factory=BackendLink)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)

    @model_validator(mode="after")
    def _refuse_development_secrets_in_production(self) -> BotSettings:
        """Stop a production start with the development service key or an embedded SQLite file."""
        if self.environment == "production":
            if self.backend_api.service_key.get_secret_value() == DEV_SERVICE_KEY:
                raise ValueError(
                    "set MSAIDIZI_BACKEND_API__SERVICE_KEY: the development key is public"
                )
            if self.database_url is None:
                raise ValueError("set MSAIDIZI_DATABASE_URL (PostgreSQL) in production")
        return self

    @property
    def bot_database_url(self) -> str:
        """Return the assistant's database URL (SQLite under data_dir by default)."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'bot.db'}"


@lru_cache(maxsize=1)
def get_settings() -> BotSettings:
    """Build the settings once per process from the environment."""
    return BotSettings()
