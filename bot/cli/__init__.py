"""The `msaidizi` command line."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Msaidizi, the eCitizen helpdesk assistant."""
