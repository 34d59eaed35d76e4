"""`msaidizi worker`: the deployment's background work in a process that serves no HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import click

from bot.combined import ProductionRefused, create_combined_app, load_process_settings
from bot.config import BotSettings
from bot.logs import configure_logging
from bot.storage.engine import create_engine
from bot.storage.leader import BackgroundLeader


@click.command("worker")
def worker_command() -> None:
    """Run deliveries, reminders, backend events, payment reconciliation and Telegram polling.

    Web workers started with MSAIDIZI_RUN_BACKGROUND=false leave this work to one such process.
    On PostgreSQL a second worker waits as a standby and takes over when the first stops.
    """
    try:
        settings = load_process_settings()
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    settings.run_background = True
    configure_logging(settings.log_level, settings.log_format)
    raise SystemExit(asyncio.run(run_worker(settings)))


async def run_worker(settings: BotSettings, stop: asyncio.Event | None = None) -> int:
    """Hold the background lock (PostgreSQL) and run the background work until stopped."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    leader: BackgroundLeader | None = None
    engine = create_engine(settings.bot_database_url)
    try:
        if engine.dialect.name == "postgresql":
            leader = BackgroundLeader(engine)
            if not await leader.acquire(stop):
                return 0
        app, _ = create_combined_app(settings)
        async with app.router.lifespan_context(app):
            if leader is None:
                await stop.wait()
                return 0
            await leader.watch(stop)
            return 0 if stop.is_set() else 1  # lost the lock: exit so a supervisor restarts
    finally:
        if leader is not None:
            await leader.release()
        await engine.dispose()
