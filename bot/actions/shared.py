"""The chat flows' own validation rules, reused by the Rasa forms so both accept the same input.

Some of these live as private names in `bot.intents` today; importing them here keeps that
coupling in one file. When the intents export them as public functions, only this module
changes (see docs/rasa.md, "Shared validation").
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.backend import ReportDraft
from bot.core.routing import parse_payload
from bot.core.turn import Turn
from bot.intents.link_account import _CODE, _ID_NUMBER, _PHONE, _RESEND, _locked
from bot.intents.report_security import _CORRECTION, _HINTS, _REFERENCE, CATEGORIES, _draft
from bot.nlu.entities import normalise_phone
from bot.nlu.when import When, parse_when

SKIPPED = "skipped"  # the `reference` slot of a report when the citizen had none


def payload_argument(value: object, name: str) -> str:
    """Return the argument of a tapped `name:<argument>` payload, or "" for anything else."""
    if not isinstance(value, str):
        return ""
    handler, argument = parse_payload(value.strip().lstrip("/"))
    return argument if handler == name else ""


def read_identifier(text: str) -> str | None:
    """Return an ID number, or a phone as 2547XXXXXXXX; None when it is neither."""
    raw = re.sub(r"[\s-]", "", text)
    if _PHONE.match(raw):
        return normalise_phone(raw)
    return raw if _ID_NUMBER.match(raw) else None


def read_code(text: str) -> str | None:
    """Return the 6-digit one-time code in `text`, or None."""
    code = re.sub(r"\s", "", text)
    return code if _CODE.match(code) else None


def wants_new_code(text: str) -> bool:
    """Return True when the citizen asks for the code again ("resend", "tuma tena")."""
    return bool(_RESEND.search(text))


def category_hint(text: str) -> str | None:
    """Return the report category the words make clear ("someone hacked my account")."""
    return next((code for code, pattern in _HINTS if pattern.search(text)), None)


def read_category(value: object, flow: str) -> str | None:
    """Return a category from a tapped option, a category code or telling words."""
    chosen = payload_argument(value, flow)
    if chosen in CATEGORIES:
        return chosen
    if isinstance(value, str):
        return value if value in CATEGORIES else category_hint(value)
    return None


def read_reference(text: str) -> str | None:
    """Return a transaction reference (letters and digits) in upper case, or None."""
    compact = text.replace(" ", "")
    return compact.upper() if _REFERENCE.match(compact) else None


def when_slots(when: When) -> dict[str, Any]:
    """Return the `when` and `when_day` slot values for a recognised time."""
    return {"when": when.text, "when_day": when.day.isoformat() if when.day else None}


def correction(text: str) -> dict[str, Any] | None:
    """Read "no, it was yesterday"-style corrections of the date or the category."""
    if not _CORRECTION.search(text):
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
    return _draft(record, anonymous=bool(slots.get("anonymous")))


def locked_message(turn: Turn) -> str:
    """Say that signing in is locked after too many wrong codes."""
    return _locked(turn)
