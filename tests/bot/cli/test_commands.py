"""The `msaidizi` group: commands imported on first use, servers' imports kept for life."""

from __future__ import annotations

import subprocess
import sys

import click

from bot.cli import COMMANDS, LONG_LIVED, main


def _after_loading(command: str) -> tuple[int, bool]:
    """Return the collector's frozen count and state after loading `command` in a fresh process."""
    script = ("import click, gc; from bot.cli import main; "
              f"main.get_command(click.Context(main), {command!r}); "
              "print(gc.get_freeze_count(), gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    return int(out[0]), out[1] == "True"


def test_every_command_is_listed_without_importing_it() -> None:
    assert main.list_commands(click.Context(main)) == sorted(COMMANDS)


def test_a_server_command_keeps_its_imports_out_of_the_collectors_way() -> None:
    assert "serve" in LONG_LIVED
    frozen, enabled = _after_loading("serve")
    assert frozen > 10_000  # the web stack's modules and their objects
    assert enabled


def test_a_quick_tool_leaves_the_collector_alone() -> None:
    assert "faq" not in LONG_LIVED
    assert _after_loading("faq") == (0, True)
