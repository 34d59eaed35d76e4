"""Telegram updates in: commands, deep links, typed text and tapped buttons become InboundMessages.

Both ways updates arrive (long polling and the webhook route) hand each `Update` to
`TelegramInbound.process`, which returns only after the turn is stored: Telegram's retried
deliveries carry the same update id, and the core answers a repeated `tg-<update_id>` from
what it already stored instead of running the turn twice.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.channels.telegram_sender import CHANNEL
from bot.channels.telegram_setup import WEBHOOK_PATH
from bot.core.messages import InboundMessage
from bot.core.results import TurnResult

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
ALLOWED_UPDATES = ("message", "callback_query")
MAX_BODY = 1_000_000
MAX_PAYLOAD = 64
# Short deep-link names for intents, e.g. t.me/<bot>?start=link or ?start=link_<code>.
DEEP_LINK_ALIASES = {"link": "link_account", "human": "talk_to_human", "pay": "start_payment",
                     "status": "check_status"}
LANGUAGE_ARGUMENTS = {"en": "en", "english": "en", "kiingereza": "en",
                      "sw": "sw", "swahili": "sw", "kiswahili": "sw"}

IsIntent = Callable[[str], bool]
Handle = Callable[[InboundMessage], Awaitable[TurnResult]]


def deep_link_choice(payload: str, is_intent: IsIntent) -> str | None:
    """Map a /start payload (`faq_passport-fees`, `link`) to a choice payload, or None.

    Deep-link payloads may only use `A-Z a-z 0-9 _ -`, so `_` stands for the `:` between a
    handler and its argument; intent names contain `_` too, so every split point is tried.
    """
    payload = payload.strip()[:MAX_PAYLOAD]
    whole = DEEP_LINK_ALIASES.get(payload, payload)
    if whole and is_intent(whole):
        return whole
    for index, char in enumerate(payload):
        if char != "_" or index == 0:
            continue
        name = DEEP_LINK_ALIASES.get(payload[:index], payload[:index])
        argument = payload[index + 1:]
        if argument and is_intent(name):
            return f"{name}:{argument}"
    return None


def command_input(text: str, is_intent: IsIntent) -> tuple[str, str | None]:
    """Translate a bot command into the (text, choice) the core understands."""
    head, _, rest = text.strip().partition(" ")
    command = head[1:].split("@", 1)[0].lower()
    argument = rest.strip()
    if command == "start":
        choice = deep_link_choice(argument, is_intent) if argument else None
        if argument and choice is None:
            logger.info("Unknown deep-link payload; showing the menu")
        return (text if choice else "/start"), choice
    if command in ("help", "menu"):
        return "menu", None
    if command == "lang":
        language = LANGUAGE_ARGUMENTS.get(argument.lower())
        return (f"/lang {language}", None) if language else ("/lang", "change_language")
    if command == "human":
        return "/human", "talk_to_human"
    if command == "cancel":
        return "cancel", None
    return text, None


def button_title(query: CallbackQuery) -> str:
    """Return the title of the tapped button, for a readable transcript."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return ""


def to_inbound(update: Update, is_intent: IsIntent) -> InboundMessage | None:
    """Build the core's message for an update; None for updates the assistant ignores."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return None  # personal matters are not discussed in groups or channels
    user = update.effective_user
    locale_hint = user.language_code if user else None
    message_id = f"tg-{update.update_id}"
    sender_id = str(chat.id)
    query = update.callback_query
    if query is not None:
        if not query.data:
            return None
        return InboundMessage(CHANNEL, sender_id, button_title(query), choice=query.data,
                              message_id=message_id, locale_hint=locale_hint)
    message = update.message
    if message is None:
        return None
    if message.text and message.text.startswith("/"):
        text, choice = command_input(message.text, is_intent)
    else:
        # Photos, voice notes, stickers: the caption if any, else an empty text the core
        # answers with "I could not read a question in that message".
        text, choice = message.text or message.caption or "", None
    return InboundMessage(CHANNEL, sender_id, text, choice=choice, message_id=message_id,
                          locale_hint=locale_hint)


class TelegramInbound:
    """Runs one turn per update and answers every callback query."""

    def __init__(self, handle: Handle, is_intent: IsIntent) -> None:
        self._handle = handle
        self._is_intent = is_intent

    async def process(self, update: Update) -> None:
        """Handle one update; raise only when the turn could not be stored (retry it)."""
        if update.callback_query is not None:
            await self._answer(update.callback_query)
        message = to_inbound(update, self._is_intent)
        if message is None:
            logger.debug("Telegram update %d ignored", update.update_id)
            return
        await self._handle(message)

    @staticmethod
    async def _answer(query: CallbackQuery) -> None:
        """Stop the button's spinner first, so the tap feels instant."""
        try:
            await query.answer()
        except TelegramError as exc:  # e.g. a redelivered update whose query already expired
            logger.info("Callback query not answered: %s", exc.message,
                        extra={"channel": CHANNEL})


def create_telegram_webhook_router(inbound: TelegramInbound, bot: Bot, secret: str) -> APIRouter:
    """Build `POST /webhooks/telegram`: check the secret header, parse, run the turn, then 200."""
    router = APIRouter()
    expected = secret.encode()

    @router.post(WEBHOOK_PATH, tags=["telegram"], status_code=200)
    async def telegram_webhook(request: Request) -> Response:
        """Receive one update from Telegram; answer 200 once its turn is stored."""
        supplied = request.headers.get(SECRET_HEADER, "").encode()
        # compare_digest: the time taken must not reveal how much of the secret matched
        if not supplied or not hmac.compare_digest(supplied, expected):
            raise HTTPException(403, "missing or wrong secret token")
        update = await _read_update(request, bot)
        await inbound.process(update)
        return Response(status_code=200)

    return router


async def _read_update(request: Request, bot: Bot) -> Update:
    """Parse the request body as one Update, refusing anything else with a 4xx."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, "expected application/json")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, "update too large")
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        raise HTTPException(400, "invalid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise HTTPException(400, "not a Telegram update")
    try:
        return Update.de_json(data, bot)
    except (TypeError, KeyError, ValueError, AttributeError, RecursionError):
        raise HTTPException(400, "not a Telegram update") from None
