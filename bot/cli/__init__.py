"""The `msaidizi` command line: one entry point for every process and tool.

Each command's module is imported only when that command runs, so a quick tool such as
`msaidizi faq lint` does not pay for importing the web server, the database drivers and the
matcher it does not use.
"""

from __future__ import annotations

import importlib
from contextlib import nullcontext
from typing import Any

import click

from common.heap import built_for_life

# command name -> "module:attribute" of the click command
COMMANDS = {
    "serve": "bot.cli.serve:serve_command",
    "worker": "bot.cli.worker:worker_command",
    "chat": "bot.cli.chat:chat_command",
    "parse": "bot.cli.parse:parse_command",
    "telegram": "bot.cli.telegram:telegram_command",
    "faq": "bot.cli.faq:faq_group",
    "db": "bot.cli.db:db_group",
    "eval": "tools.evaluation.cli:eval_command",
    "actions": "bot.cli.actions:actions_command",
    "backend": "backend.cli:backend_command",
    "seed": "backend.cli:seed_command",
    "unlock-signin": "backend.cli:unlock_signin_command",
    "payments": "backend.payments_cli:payments_group",
    "agents": "escalation.cli:agents_group",
    "tickets": "escalation.cli:tickets_group",
}
# Commands whose process runs for days: their imports are kept for life (common.heap).
LONG_LIVED = frozenset({"serve", "worker"})


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command name, loaded or not."""
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module the first time the command is asked for."""
        if cmd_name not in self.commands and cmd_name in self._lazy:
            module, _, attribute = self._lazy[cmd_name].partition(":")
            with built_for_life() if cmd_name in LONG_LIVED else nullcontext():
                command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS)
def main() -> None:
    """Msaidizi, the eCitizen helpdesk assistant."""
