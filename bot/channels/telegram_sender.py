"""Send replies to Telegram chats through the Bot API (HTML text, inline keyboards, URL buttons)."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels.render import markdown_to_telegram_html, split_text, utf16_length
from bot.core.delivery import DeliveryError, PermanentDeliveryError
from bot.core.messages import (
    Choice,
    ChoicesReply,
    LinkReply,
    Reply,
    render_as_text,
)
from bot.core.session import Session

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096  # characters per message, counted after entity parsing
MAX_CALLBACK_DATA = 64  # bytes, UTF-8

Part = tuple[str, InlineKeyboardMarkup | None]


class CallbackDataTooLongError(ValueError):
    """A choice payload does not fit Telegram's 64-byte callback_data."""


def choices_keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    """Build an inline keyboard with one button per row; the payload is the callback_data."""
    for choice in choices:
        size = len(choice.payload.encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise CallbackDataTooLongError(
                f"choice payload of {size} bytes does not fit callback_data (1-64 bytes)"
            )
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.title, callback_data=c.payload)] for c in choices]
    )


def text_parts(text: str) -> list[str]:
    """Split a text for Telegram's limit and convert each part to safe HTML."""
    return [markdown_to_telegram_html(part) for part in split_text(text, MAX_TEXT, utf16_length)]


def render_reply(reply: Reply) -> list[Part]:
    """Turn one reply into Telegram messages: (HTML text, keyboard or None) each."""
    if isinstance(reply, ChoicesReply) and reply.choices:
        try:
            keyboard = choices_keyboard(reply.choices)
        except CallbackDataTooLongError:
            # The citizen can still type the number; the error makes tests fail loudly.
            logger.error("Choices sent as numbered text: a payload exceeds 64 bytes",
                         exc_info=True)
            return [(part, None) for part in text_parts(render_as_text(reply))]
        return _with_markup(text_parts(reply.text) or ["…"], keyboard)
    if isinstance(reply, LinkReply):
        button = InlineKeyboardButton(reply.title or reply.url, url=reply.url)
        text = reply.text or reply.title or reply.url
        return _with_markup(text_parts(text), InlineKeyboardMarkup([[button]]))
    return [(part, None) for part in text_parts(reply.text)]


def _with_markup(parts: list[str], markup: InlineKeyboardMarkup) -> list[Part]:
    """Attach the keyboard to the last part, so the buttons sit under the end of the text."""
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def retry_after_seconds(error: RetryAfter) -> float:
    """Return the flood-control wait in seconds, whichever type this PTB version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int now, timedelta later
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends replies to a Telegram chat (the session's sender id is the chat id)."""

    channel = CHANNEL

    def __init__(self, bot: Bot, clock: Callable[[], float] = time.monotonic) -> None:
        self._bot = bot
        self._clock = clock
        self._flood_until: dict[str, float] = {}  # chat id -> end of Telegram's flood wait

    async def send(self, session: Session, reply: Reply) -> None:
        """Send one reply as one or more messages; map Bot API errors to delivery errors."""
        chat_id = session.sender_id
        # Calls during a flood wait only prolong it, and the deliverer may try again early
        # (a later message of the same chat is due): answer for Telegram until it is over.
        wait = self._flood_until.get(chat_id, 0.0) - self._clock()
        if wait > 0:
            raise DeliveryError(f"Telegram flood control: {wait:.1f}s left", retry_after=wait)
        for text, markup in render_reply(reply):
            await self._send_message(chat_id, text, markup)

    async def show_typing(self, session: Session) -> None:
        """Show "typing…" in the chat for a few seconds (Telegram clears it by itself)."""
        try:
            await self._bot.send_chat_action(chat_id=session.sender_id, action=ChatAction.TYPING)
        except TelegramError as exc:  # a courtesy: the next real message matters, not this
            logger.info("Telegram chat action refused: %s", type(exc).__name__)

    async def _send_message(
        self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self._bot.send_message(
                chat_id=chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self._note_flood(chat_id, seconds)
            raise DeliveryError(f"Telegram flood control: retry in {seconds:g}s",
                                retry_after=seconds) from exc
        except Forbidden as exc:  # blocked by the user, or the user deleted their account
            raise PermanentDeliveryError(f"Telegram refused the chat: {exc.message}") from exc
        except (BadRequest, ChatMigrated) as exc:  # chat not found, message refused
            raise PermanentDeliveryError(f"Telegram refused the message: {exc.message}") from exc
        except TelegramError as exc:  # network errors, time-outs, server errors
            raise DeliveryError(f"Telegram unreachable: {exc.message}") from exc

    def _note_flood(self, chat_id: str, seconds: float) -> None:
        now = self._clock()
        self._flood_until = {chat: end for chat, end in self._flood_until.items() if end > now}
        self._flood_until[chat_id] = now + seconds
