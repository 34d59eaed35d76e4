"""The kernel's settings: environment, database, public URL and service key (`MSAIDIZI_BACKEND_*`).

The backend's own settings extend these (`backend.config.BackendSettings`); escalation reads
only these, so it finds the backend's database and production switch without the rest.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "MSAIDIZI_BACKEND_"
# A development default. It is public (it is in this file), so production refuses it.
DEV_SERVICE_KEY = "dev-service-key"


class CoreSettings(BaseSettings):
    """Where the backend's data lives, where it is reached, and who may call it."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=None,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Field(
        default=Path("var"),
        validation_alias=AliasChoices("MSAIDIZI_BACKEND_DATA_DIR", "MSAIDIZI_DATA_DIR"),
        description="Where the embedded SQLite database lives (the assistant's data folder).",
    )
    database_url: str = Field(default="", description="Empty: SQLite in data_dir/backend.db.")
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MSAIDIZI_BACKEND_REDIS_URL", "MSAIDIZI_REDIS_URL"),
        description="Shared rate-limit counters for several workers; memory when unset.",
    )
    database_echo: bool = False
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Base URL the backend is reachable at from outside (no trailing slash).",
    )

    service_key: SecretStr = SecretStr(DEV_SERVICE_KEY)

    @property
    def is_production(self) -> bool:
        """Tell whether this is a production deployment."""
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        """Return `public_url` without a trailing slash."""
        return self.public_url.rstrip("/")

    def url(self, path: str) -> str:
        """Build an absolute URL for a backend path; every outside link goes through here."""
        return f"{self.base_url}/{path.lstrip('/')}"

    @model_validator(mode="after")
    def _default_database(self) -> Self:
        # Every command (serve, backend, seed, agents...) finds the same file this way.
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'backend.db'}")
        return self


@lru_cache(maxsize=1)
def get_core_settings() -> CoreSettings:
    """Read the kernel's settings from the environment once per process."""
    return CoreSettings()
