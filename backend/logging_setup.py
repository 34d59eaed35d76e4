"""Logging for the backend process: masked personal data and hidden secret URL parts."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from common.request_id import RequestIdFilter
from privacy import JsonRedactingFormatter, RedactingFilter, RedactingFormatter

# The callback path segment and signed-link parameters are credentials: keep them out of
# access logs as well.
_SECRET_URL_PARTS = re.compile(r"(/mpesa/callback/)[^\s/?\"]+|((?:sig|exp)=)[^\s&\"]+")


class SecretUrlFilter(logging.Filter):
    """Replace the M-Pesa callback token and link signatures in log lines with ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the formatted message; never drop a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = _SECRET_URL_PARTS.sub(lambda m: (m.group(1) or m.group(2)) + "***", message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class LogFormat(BaseSettings):
    """MSAIDIZI_LOG_FORMAT, shared with the assistant: "text" (one line) or "json"."""

    model_config = SettingsConfigDict(env_prefix="MSAIDIZI_", extra="ignore")

    log_format: Literal["text", "json"] = "text"


def logging_config(level: str = "INFO", log_format: str | None = None) -> dict[str, Any]:
    """Return a dictConfig for the backend and uvicorn with the filters on every handler."""
    chosen = log_format or LogFormat().log_format
    formatter: dict[str, Any] = (
        {"()": JsonRedactingFormatter} if chosen == "json"
        else {"()": RedactingFormatter, "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "secrets": {"()": SecretUrlFilter},
            "personal_data": {"()": RedactingFilter},
            "request_id": {"()": RequestIdFilter},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id", "secrets", "personal_data"],
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": level, "propagate": False},
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
        },
    }
