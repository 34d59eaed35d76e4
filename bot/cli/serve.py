"""`msaidizi serve`: everything in one process on the embedded default."""

from __future__ import annotations

import click
import uvicorn

from bot.channels.telegram import telegram_status
from bot.channels.whatsapp import whatsapp_status
from bot.combined import BACKEND_PATH, ProductionRefused, create_combined_app, load_process_settings
from bot.logs import configure_logging


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (default 8000).")
def serve_command(host: str | None, port: int | None) -> None:
    """Run the web chat, the NLU API and the backend in one process (SQLite under ./var)."""
    try:
        settings = load_process_settings()
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    if host is not None:
        settings.web.host = host
    if port is not None:
        settings.web.port = port
    configure_logging(settings.log_level)
    try:
        app, _ = create_combined_app(settings)
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    base = settings.web.base_url
    click.echo(
        f"Msaidizi is running:\n  Web chat:  {base}/\n  NLU API:   {base}/model/parse\n"
        + (f"  Backend:   {base}{BACKEND_PATH}/docs (demo data loaded; codes at "
           f"{base}{BACKEND_PATH}/dev/outbox/page)" if settings.environment == "development"
           else f"  Backend:   {base}{BACKEND_PATH} (production)")
    )
    click.echo(f"  Telegram:  {telegram_status(settings)}")
    click.echo(f"  WhatsApp:  {whatsapp_status(settings)}")
    uvicorn.run(
        app, host=settings.web.host, port=settings.web.port, log_config=None, ws="websockets-sansio"
    )
