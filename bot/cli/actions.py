"""`msaidizi actions`: the rasa-sdk action server for a stock Rasa assistant."""

from __future__ import annotations

import click

from bot.cli.settings import load_settings
from bot.combined import BACKEND_PATH
from bot.logs import configure_logging


@click.command("actions")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=5055, show_default=True, help="Port to listen on.")
def actions_command(host: str, port: int) -> None:
    """Serve Msaidizi's Rasa custom actions (point Rasa's action_endpoint at /webhook)."""
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    if not settings.backend_api.url and settings.environment == "development":
        # next to `msaidizi serve`, whose backend is mounted under /backend
        settings.backend_api.url = settings.web.base_url + BACKEND_PATH
    from bot.actions.server import create_action_app  # rasa_sdk is only needed for this command

    app = create_action_app()
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
    click.echo(
        f"Msaidizi actions for Rasa are running:\n  Webhook:  {base}/webhook\n"
        f"  Health:   {base}/health\n  Actions:  {base}/actions\n"
        f"  Backend:  {settings.backend_api.url or 'none (account actions are off)'}"
    )
    app.run(host=host, port=port, single_process=True, motd=False, access_log=False)
