"""The `msaidizi` command line: one entry point for every process and tool."""

from __future__ import annotations

import click

from backend.cli import COMMANDS as BACKEND_COMMANDS
from bot.cli.chat import chat_command
from bot.cli.db import db_group
from bot.cli.faq import faq_group
from bot.cli.parse import parse_command
from bot.cli.serve import serve_command
from bot.cli.telegram import telegram_command
from bot.eval.cli import eval_command
from escalation.cli import agents_group, tickets_group


@click.group()
def main() -> None:
    """Msaidizi, the eCitizen helpdesk assistant."""


main.add_command(serve_command)
main.add_command(chat_command)
main.add_command(parse_command)
main.add_command(telegram_command)
main.add_command(faq_group)
main.add_command(db_group)
main.add_command(eval_command)
for command in (*BACKEND_COMMANDS, agents_group, tickets_group):
    main.add_command(command)  # msaidizi backend / seed / unlock-signin / agents / tickets
import bot.cli.actions  # noqa: E402, F401  (registers `msaidizi actions` on main)
