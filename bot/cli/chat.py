"""`msaidizi chat`: talk to the assistant in the terminal."""

from __future__ import annotations

import asyncio
import uuid

import click

from bot.app import build_runtime
from bot.cli.settings import load_settings
from bot.core.messages import InboundMessage, render_as_text
from bot.logs import configure_logging


@click.command("chat")
@click.option("--sender", default=None, help="Continue the conversation of this sender id.")
def chat_command(sender: str | None) -> None:
    """Chat with the assistant in this terminal (type a number to pick a choice; Ctrl-D quits)."""
    configure_logging("WARNING")
    runtime = build_runtime(load_settings())
    sender_id = sender or uuid.uuid4().hex[:12]
    click.echo(f"Chatting as {sender_id}. Say hello, or type 'menu'. Ctrl-D to quit.")
    asyncio.run(_loop(runtime, sender_id))


async def _loop(runtime: object, sender_id: str) -> None:
    from bot.app import Runtime

    assert isinstance(runtime, Runtime)
    try:
        while True:
            try:
                text = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            message = InboundMessage(channel="cli", sender_id=sender_id, text=text)
            for reply in (await runtime.conversation.handle(message)).replies:
                click.echo(render_as_text(reply) + "\n")
    finally:
        await runtime.close()
