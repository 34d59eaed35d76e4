"""Logging set-up for every msaidizi process: English, one line, personal data masked."""

from __future__ import annotations

import logging

from privacy import RedactingFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    """Send logs to stderr through the masking formatter; quiet chatty libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access", "watchfiles", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
