"""Stand-in servers that speak the Telegram Bot API and the WhatsApp Graph API on loopback."""

from tests.helpers.standins.graph import GraphStandIn
from tests.helpers.standins.telegram import BotApiCall, TelegramStandIn

__all__ = ["BotApiCall", "GraphStandIn", "TelegramStandIn"]
