"""`msaidizi chat`: talk to the assistant in the terminal."""

from __future__ import annotations

import asyncio
import socket
import uuid

import click
import uvicorn

from bot.app import Runtime, build_runtime
from bot.channels.render import markdown_to_plain
from bot.combined import BACKEND_PATH, ProductionRefused, create_combined_app, load_process_settings
from bot.config import BotSettings
from bot.core.messages import InboundMessage, render_as_text
from bot.logs import configure_logging


@click.command("chat")
@click.option("--sender", default=None, help="Continue the conversation of this sender id.")
def chat_command(sender: str | None) -> None:
    """Chat with the assistant in this terminal (type a number to pick a choice; Ctrl-D quits)."""
    configure_logging("WARNING")
    try:
        settings = load_process_settings()
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    sender_id = sender or uuid.uuid4().hex[:12]
    if settings.backend_api.url:  # a backend runs elsewhere: talk to it, as `serve` would
        asyncio.run(_chat_with_backend_at(settings, sender_id))
    else:
        asyncio.run(_chat_with_embedded_backend(settings, sender_id))


async def _chat_with_backend_at(settings: BotSettings, sender_id: str) -> None:
    """Chat through a runtime whose backend is the configured one."""
    runtime = build_runtime(settings)
    await runtime.start()
    try:
        _greet(sender_id, None)
        await _loop(runtime, sender_id)
    finally:
        await runtime.close()


async def _chat_with_embedded_backend(settings: BotSettings, sender_id: str) -> None:
    """Run what `serve` runs on a private loopback port, so account actions work too."""
    settings.web.host, settings.web.port = "127.0.0.1", _free_port()
    settings.web.public_url = None
    try:
        app, runtime = create_combined_app(settings)
    except ProductionRefused as refused:
        raise click.ClickException(str(refused)) from None
    server = uvicorn.Server(uvicorn.Config(app, host=settings.web.host, port=settings.web.port,
                                           log_config=None, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve())
    # uvicorn.Server offers only a `started` flag, no event to await
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if serving.done():  # start-up failed; its exception says why
        await serving
        return
    try:
        outbox = (f"{settings.web.base_url}{BACKEND_PATH}/dev/outbox/page"
                  if settings.environment == "development" else None)
        _greet(sender_id, outbox)
        await _loop(runtime, sender_id)
    finally:
        server.should_exit = True
        await serving


def _greet(sender_id: str, outbox: str | None) -> None:
    """Say who is chatting and where one-time codes can be read."""
    click.echo(f"Chatting as {sender_id}. Say hello, or type 'menu'. Ctrl-D to quit.")
    if outbox:
        click.echo(f"Demo one-time codes (while this chat runs): {outbox}")


def _free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _loop(runtime: Runtime, sender_id: str) -> None:
    """Read lines until end of input, printing each turn's replies."""
    while True:
        try:
            text = await asyncio.to_thread(input, "> ")
        except EOFError:
            break
        message = InboundMessage(channel="cli", sender_id=sender_id, text=text)
        for reply in (await runtime.conversation.handle(message)).replies:
            click.echo(markdown_to_plain(render_as_text(reply)) + "\n")
