"""`msaidizi telegram`: run the Telegram bot by long polling, without the web server."""

from __future__ import annotations

import asyncio
import signal

import click

from bot.app import Runtime, build_runtime
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_setup import telegram_problem
from bot.cli.settings import load_settings
from bot.logs import configure_logging


@click.command("telegram")
def telegram_command() -> None:
    """Answer Telegram chats by long polling (also sends pushes and retries; Ctrl-C stops)."""
    settings = load_settings()
    problem = telegram_problem(settings.telegram)
    if problem:
        raise click.ClickException(f"Telegram is not configured: {problem}")
    if settings.telegram.mode != "polling":
        raise click.ClickException(
            "MSAIDIZI_TELEGRAM__MODE is webhook: `msaidizi serve` receives the updates. "
            "Set it to polling to use this command."
        )
    configure_logging(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    click.echo("Msaidizi is answering Telegram by long polling. Ctrl-C stops.")
    asyncio.run(run_polling(runtime))


async def run_polling(runtime: Runtime, stop: asyncio.Event | None = None) -> None:
    """Poll Telegram and run the runtime's background loops until `stop` (or a signal)."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
    channel = TelegramChannel(runtime, runtime.settings.telegram)
    try:
        await channel.start()
        await runtime.start()
        await stop.wait()
    finally:
        await channel.stop()
        await runtime.close()
        await channel.close()
