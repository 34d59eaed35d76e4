"""Run the `msaidizi` command line."""

from bot.cli import main

main()
