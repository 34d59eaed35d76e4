"""Logging for the backend process: masked personal data and hidden secret URL parts."""

from __future__ import annotations

import logging
import re
from typing import Any

from privacy import RedactingFilter

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


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """Return a dictConfig for the backend and uvicorn with both filters on every handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "secrets": {"()": SecretUrlFilter},
            "personal_data": {"()": RedactingFilter},
        },
        "formatters": {
            "default": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["secrets", "personal_data"],
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
