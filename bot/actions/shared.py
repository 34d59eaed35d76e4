"""The chat flows' own validation rules, reused by the Rasa forms so both accept the same input."""

from __future__ import annotations

from typing import Any

from bot.core.backend import ReportDraft
from bot.core.routing import parse_payload
from bot.intents.link_account import locked_message, read_code, read_identifier, wants_new_code
from bot.intents.report_security import (
    CATEGORIES,
    category_hint,
    draft_from,
    is_correction,
    read_reference,
)
from bot.nlu.when import When, parse_when

__all__ = ["category_hint", "locked_message", "read_code", "read_identifier", "read_reference",
           "wants_new_code"]

SKIPPED = "skipped"  # the `reference` slot of a report when the citizen had none


def payload_argument(value: object, name: str) -> str:
    """Return the argument of a tapped `name:<argument>` payload, or "" for anything else."""
    if not isinstance(value, str):
        return ""
    handler, argument = parse_payload(value.strip().lstrip("/"))
    return argument if handler == name else ""


def read_category(value: object, flow: str) -> str | None:
    """Return a category from a tapped option, a category code or telling words."""
    chosen = payload_argument(value, flow)
    if chosen in CATEGORIES:
        return chosen
    if isinstance(value, str):
        return value if value in CATEGORIES else category_hint(value)
    return None


def when_slots(when: When) -> dict[str, Any]:
    """Return the `when` and `when_day` slot values for a recognised time."""
    return {"when": when.text, "when_day": when.day.isoformat() if when.day else None}


def correction(text: str) -> dict[str, Any] | None:
    """Read "no, it was yesterday"-style corrections of the date or the category."""
    if not is_correction(text):
        return None
    when = parse_when(text)
    if when is not None:
        return when_slots(when)
    category = category_hint(text)
    return {"category": category} if category else None


def report_draft(slots: dict[str, Any]) -> ReportDraft:
    """Build the report exactly as the chat flow files it, from the Rasa form's slots."""
    reference = slots.get("reference")
    record = {
        "category": slots["category"],
        "description": slots.get("description") or "",
        "when_text": slots.get("when"),
        "when": slots.get("when_day"),
        "reference": None if reference in (None, SKIPPED) else reference,
    }
    return draft_from(record, anonymous=bool(slots.get("anonymous")))
