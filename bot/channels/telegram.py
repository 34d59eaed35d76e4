"""The Telegram channel: the bot, its commands, and updates by long polling or by webhook.

Polling does not use PTB's `Updater`: that acknowledges a batch of updates as soon as it is
fetched. `TelegramPoller` advances the offset only after every turn of the batch is stored,
so a crash or a database outage never loses a citizen's message (a batch that failed is fetched
again, and the core answers the updates it already handled from what it stored).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from fastapi import APIRouter
from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.channels.telegram_inbound import (
    ALLOWED_UPDATES,
    TelegramInbound,
    create_telegram_webhook_router,
)
from bot.channels.telegram_sender import CHANNEL, TelegramSender
from bot.config import TelegramSettings
from bot.core.ports import Translations
from bot.core.text import N_

if TYPE_CHECKING:
    from bot.app import Runtime

logger = logging.getLogger(__name__)

# Command menu shown by Telegram clients; descriptions are translated per client language.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start the conversation")),
    ("help", N_("What I can help you with")),
    ("menu", N_("Main menu")),
    ("lang", N_("Change language")),
    ("human", N_("Talk to a person")),
    ("cancel", N_("Cancel")),
)
COMMAND_LANGUAGES: tuple[tuple[str | None, str], ...] = ((None, "en"), ("sw", "sw"))

ProcessUpdate = Callable[[Update], Awaitable[None]]
def make_bot(settings: TelegramSettings) -> ExtBot[int]:
    """Build the PTB bot with explicit time-outs and the Bot API's send-rate limits."""
    if settings.token is None:
        raise ValueError("a Telegram bot needs a token")
    # Opt in to PTB's timedelta durations (its next major default): otherwise every flood
    # error (RetryAfter) emits a deprecation warning from inside PTB.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    base = settings.api_base_url.rstrip("/")
    return ExtBot(
        settings.token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, connect_timeout=5.0, read_timeout=10.0,
                             write_timeout=10.0, pool_timeout=5.0),
        get_updates_request=HTTPXRequest(
            connection_pool_size=2, connect_timeout=5.0,
            read_timeout=settings.poll_timeout_seconds + 10.0, pool_timeout=5.0,
        ),
        rate_limiter=AIORateLimiter(max_retries=0),  # 429s go back to the deliverer's retries
    )


async def register_commands(bot: ExtBot[int], translations: Translations) -> None:
    """Publish the command menu in English (the default) and in Swahili."""
    for language_code, locale in COMMAND_LANGUAGES:
        t = translations.for_locale(locale)
        commands = [BotCommand(name, t.gettext(msgid)) for name, msgid in COMMANDS]
        await bot.set_my_commands(commands, language_code=language_code)


class TelegramChannel:
    """The Telegram bot wired to the runtime: sender, inbound path, polling or webhook route."""

    name = CHANNEL

    def __init__(self, runtime: Runtime, settings: TelegramSettings,
                 *, webhook: str | None = None) -> None:
        self.settings = settings
        self.bot = make_bot(settings)
        self._translations = runtime.translations
        self._webhook = webhook
        self._register = runtime.settings.run_background  # one process registers and polls
        self.sender = TelegramSender(self.bot)
        runtime.add_sender(self.sender)
        self.inbound = TelegramInbound(
            runtime.handle, lambda name: runtime.router.handler_for(name) is not None
        )
        self.router: APIRouter | None = None
        self.poller: TelegramPoller | None = None
        if settings.mode == "webhook":
            if settings.webhook_secret is None:
                raise ValueError("webhook mode needs a secret")
            self.router = create_telegram_webhook_router(
                self.inbound, self.bot, settings.webhook_secret.get_secret_value()
            )
        elif self._register:
            self.poller = TelegramPoller(self.bot, self.inbound.process,
                                         timeout=settings.poll_timeout_seconds)

    async def start(self) -> None:
        """Check the token, publish the commands, register the webhook or start polling."""
        try:
            await self.bot.initialize()
        except InvalidToken:
            raise RuntimeError("Telegram rejected MSAIDIZI_TELEGRAM__TOKEN") from None
        except TelegramError as exc:  # keep serving; sends and polling retry on their own
            logger.error("Telegram is not reachable at start-up: %s", exc.message)
        else:
            logger.info("Telegram bot @%s ready (%s)", self.bot.username, self.settings.mode)
        if not self._register:
            return
        try:
            await register_commands(self.bot, self._translations)
            if self._webhook and self.settings.webhook_secret is not None:
                await self.bot.set_webhook(
                    self._webhook,
                    secret_token=self.settings.webhook_secret.get_secret_value(),
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                logger.info("Telegram webhook registered at %s", self._webhook)
        except TelegramError as exc:
            logger.error("Telegram start-up call failed: %s", exc.message)
        if self.poller is not None:
            await self.poller.start()

    async def stop(self) -> None:
        """Stop taking updates in (polling); the webhook route simply stops being called."""
        if self.poller is not None:
            await self.poller.stop()

    async def close(self) -> None:
        """Release the bot's HTTP connections."""
        await self.bot.shutdown()


class TelegramPoller:
    """Long-polls getUpdates, runs each batch's turns, then acknowledges the batch."""

    def __init__(self, bot: ExtBot[int], process: ProcessUpdate, *, timeout: int,
                 max_attempts: int = 5, pause: float = 1.0) -> None:
        self._bot = bot
        self._process = process
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._pause_seconds = pause
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Remove any webhook (getUpdates is refused while one is set) and start polling."""
        try:
            await self._bot.delete_webhook(drop_pending_updates=False)
        except TelegramError as exc:
            logger.warning("deleteWebhook failed: %s", exc.message)
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        """Finish the batch in progress, acknowledge it and stop."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        offset: int | None = None
        attempts = 0
        while not self._stop.is_set():
            updates = await self._fetch(offset)
            if updates is None:
                continue
            try:
                await self._process_batch(updates)
            except Exception:
                attempts += 1
                if attempts < self._max_attempts:
                    logger.exception("Telegram batch failed (attempt %d); fetching it again",
                                     attempts)
                    await self._pause(attempts)
                    continue
                logger.exception("Telegram updates %s skipped after %d failed attempts",
                                 [u.update_id for u in updates], attempts)
            attempts = 0
            if updates:
                offset = updates[-1].update_id + 1
        if offset is not None:
            await self._acknowledge(offset)

    async def _fetch(self, offset: int | None) -> Sequence[Update] | None:
        """Return the next batch, or None when stopping or after an error (with a pause)."""
        fetch = asyncio.ensure_future(self._bot.get_updates(
            offset=offset, timeout=self._timeout, allowed_updates=list(ALLOWED_UPDATES)
        ))
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()  # unacknowledged updates are simply sent again next time
            return None
        try:
            return fetch.result()
        except TelegramError as exc:
            logger.warning("getUpdates failed: %s", exc.message)
            await self._pause(2)
            return None

    async def _process_batch(self, updates: Sequence[Update]) -> None:
        """Run chats concurrently and each chat's updates in order; raise if any failed."""
        chats: dict[int | None, list[Update]] = {}
        for update in updates:
            chat = update.effective_chat
            chats.setdefault(chat.id if chat else None, []).append(update)
        results = await asyncio.gather(*(self._in_order(group) for group in chats.values()),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self._process(update)

    async def _pause(self, attempt: int) -> None:
        delay = min(self._pause_seconds * 2 ** (attempt - 1), 30.0)
        try:
            await asyncio.wait_for(self._stop.wait(), delay)
        except TimeoutError:
            return

    async def _acknowledge(self, offset: int) -> None:
        """Confirm the last handled batch so a restart does not fetch it again."""
        try:
            await self._bot.get_updates(offset=offset, timeout=0, limit=1,
                                        allowed_updates=list(ALLOWED_UPDATES))
        except TelegramError as exc:
            logger.info("Final acknowledgement failed: %s", exc.message)
