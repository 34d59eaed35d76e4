"""The editors' and evaluators' tools are tried on the assistant's runtime and dialog harness."""

from tests.bot.conftest import dialog, runtime

__all__ = ["dialog", "runtime"]
