"""The `msaidizi` command line: one entry point for every process and tool."""

from __future__ import annotations

import click

from bot.cli.chat import chat_command
from bot.cli.faq import faq_group
from bot.cli.parse import parse_command
from bot.cli.serve import serve_command
from bot.cli.telegram import telegram_command


@click.group()
def main() -> None:
    """Msaidizi, the eCitizen helpdesk assistant."""


main.add_command(serve_command)
main.add_command(chat_command)
main.add_command(parse_command)
main.add_command(telegram_command)
main.add_command(faq_group)
