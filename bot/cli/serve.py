"""`msaidizi serve`: everything in one process, or N web workers and one background worker."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import click
import uvicorn

from bot.channels.telegram_setup import telegram_status
from bot.channels.whatsapp import whatsapp_status
from bot.combined import (
    BACKEND_PATH,
    ProductionRefused,
    create_combined_app,
    load_process_settings,
    prepare_databases,
    several_workers_problems,
)
from bot.config import BotSettings
from bot.logs import configure_logging
from bot.web.metrics import MULTIPROC_ENV
from common.heap import built_for_life

FACTORY = "bot.web.asgi:create_app"
logger = logging.getLogger(__name__)


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8000).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Web worker processes; more than one needs PostgreSQL and Redis.")
def serve_command(host: str | None, port: int | None, workers: int) -> None:
    """Run the web chat, the NLU API and the backend (SQLite under ./var by default)."""
    try:
        settings = load_process_settings()
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    if host is not None:
        settings.web.host = host
    if port is not None:
        settings.web.port = port
    configure_logging(settings.log_level, settings.log_format)
    if workers > 1:
        _serve_workers(settings, workers)
        return
    try:
        with built_for_life():
            app, _ = create_combined_app(settings)
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    _banner(settings, "this process")
    uvicorn.run(
        app, host=settings.web.host, port=settings.web.port, log_config=None, ws="websockets-sansio"
    )


def _banner(settings: BotSettings, background: str) -> None:
    base = settings.web.base_url
    click.echo(
        f"Msaidizi is running:\n  Web chat:  {base}/\n  NLU API:   {base}/model/parse\n"
        + (f"  Backend:   {base}{BACKEND_PATH}/docs (demo data loaded; codes at "
           f"{base}{BACKEND_PATH}/dev/outbox/page)" if settings.environment == "development"
           else f"  Backend:   {base}{BACKEND_PATH} (production)")
    )
    click.echo(f"  Telegram:  {telegram_status(settings)}")
    click.echo(f"  WhatsApp:  {whatsapp_status(settings)}")
    click.echo(f"  Background work: {background}")


def _serve_workers(settings: BotSettings, workers: int) -> None:
    """Migrate once, start one background worker, then N web workers built by the factory."""
    if problems := several_workers_problems(settings):
        raise click.ClickException(
            f"--workers {workers} refused:\n  - " + "\n  - ".join(problems))
    try:
        prepare_databases(settings)
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    metrics = Path(os.environ.get(MULTIPROC_ENV) or settings.data_dir / "prometheus")
    metrics.mkdir(parents=True, exist_ok=True)
    for stale in metrics.glob("*.db"):  # counters of a previous run would add up
        stale.unlink()
    shared = {MULTIPROC_ENV: str(metrics.resolve()), "MSAIDIZI_MIGRATE": "false",
              "MSAIDIZI_WEB__HOST": settings.web.host, "MSAIDIZI_WEB__PORT": str(settings.web.port)}
    os.environ.update(shared)
    background = SupervisedWorker({**os.environ, "MSAIDIZI_RUN_BACKGROUND": "true"})
    background.start()
    os.environ["MSAIDIZI_RUN_BACKGROUND"] = "false"
    settings.run_background = False
    _banner(settings, f"one `msaidizi worker` process, restarted if it stops; "
                      f"{workers} web workers")
    try:
        uvicorn.run(FACTORY, factory=True, workers=workers, host=settings.web.host,
                    port=settings.web.port, log_config=None, ws="websockets-sansio")
    finally:
        background.stop()


class SupervisedWorker:
    """Keep one `msaidizi worker` running beside the web workers; restart it when it exits."""

    def __init__(self, env: dict[str, str], *, pause: float = 2.0) -> None:
        self._env = env
        self._pause = pause
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=self._env)

    def start(self) -> None:
        """Start the worker and a thread that restarts it (after a pause) whenever it exits."""
        with self._lock:
            self._spawn()
        threading.Thread(target=self._watch, name="background-worker", daemon=True).start()

    def _watch(self) -> None:
        while not self._stopping.wait(self._pause):
            with self._lock:
                if self._stopping.is_set() or self.process is None:
                    return
                code = self.process.poll()
                if code is not None:
                    logger.warning("The background worker exited (%s): starting another", code)
                    self._spawn()

    def stop(self) -> None:
        """Stop restarting, then stop the worker (SIGTERM, then SIGKILL after 20 s)."""
        self._stopping.set()
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
