"""Marking strings for translation where they are defined, not where they are shown."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for extraction; translate it later with the turn's translator."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark `message` with its `context` for extraction; translate it with `pgettext` later."""
    return context, message
