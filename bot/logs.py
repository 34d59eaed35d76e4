"""Logging set-up for every msaidizi process: English, personal data masked, request ids."""

from __future__ import annotations

import logging

from common.request_id import RequestIdFilter
from privacy import JsonRedactingFormatter, RedactingFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """Send logs to stderr, one line or one JSON object each, masked; quiet chatty libraries."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonRedactingFormatter() if log_format == "json"
                         else RedactingFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access", "watchfiles", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
