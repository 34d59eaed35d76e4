"""Whether and how the Telegram channel runs, decided from settings without importing PTB.

python-telegram-bot is imported (about 0.2 s of a start) only when the channel is built:
a deployment without a Telegram token never loads it.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from bot.config import BotSettings, TelegramSettings

if TYPE_CHECKING:
    from bot.app import Runtime
    from bot.channels.telegram import TelegramChannel

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def telegram_problem(settings: TelegramSettings) -> str | None:
    """Return why the Telegram channel cannot run with these settings, or None."""
    if settings.token is None or not settings.token.get_secret_value().strip():
        return "MSAIDIZI_TELEGRAM__TOKEN is not set"
    if settings.mode == "webhook":
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        if not secret:
            return "webhook mode needs MSAIDIZI_TELEGRAM__WEBHOOK_SECRET"
        if not _SECRET.match(secret):
            return "MSAIDIZI_TELEGRAM__WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - (1-256)"
    return None


def webhook_url(settings: BotSettings) -> str | None:
    """Return the public HTTPS webhook address to register, if one is configured."""
    public = settings.web.public_url
    if public and public.startswith("https://"):
        return f"{public.rstrip('/')}{WEBHOOK_PATH}"
    return None


def telegram_status(settings: BotSettings) -> str:
    """Describe in one line how the Telegram channel runs (for `msaidizi serve`)."""
    problem = telegram_problem(settings.telegram)
    if problem:
        return f"off ({problem})"
    if settings.telegram.mode == "polling":
        return ("long polling in this process" if settings.run_background
                else "long polling in the background worker")
    url = webhook_url(settings)
    if url:
        return f"webhook {url} (registered with setWebhook at start-up)"
    return (f"webhook at {settings.web.base_url}{WEBHOOK_PATH} (set MSAIDIZI_WEB__PUBLIC_URL "
            "to an https:// address to register it, or call setWebhook yourself)")


def build_telegram_channel(runtime: Runtime) -> TelegramChannel | None:
    """Build the channel when its settings are complete; otherwise log why it is off."""
    problem = telegram_problem(runtime.settings.telegram)
    if problem:
        logger.info("Telegram channel is off: %s", problem)
        return None
    webhook = webhook_url(runtime.settings)
    from bot.channels.telegram import TelegramChannel

    return TelegramChannel(runtime, runtime.settings.telegram, webhook=webhook)
