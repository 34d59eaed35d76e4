"""Canned replies: built-in ones in English and Swahili, plus those editors add.

`{agent}` in a text is replaced by the agent's display name when inserted in the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import Language
from escalation.console.schemas import CannedIn, CannedOut
from escalation.models import Agent, CannedReply

BUILTIN: tuple[tuple[str, Language, str], ...] = (
    ("Greeting", Language.EN,
     "Hello, my name is {agent}, from eCitizen support. I have read your conversation with "
     "Msaidizi, so you do not need to repeat yourself. How can I help?"),
    ("Checking", Language.EN,
     "Thank you for waiting. I am checking this for you now; it will take a few minutes."),
    ("Ask for the reference", Language.EN,
     "Please send me your application reference number (for example PP-2025-000123). "
     "Never send your M-Pesa PIN or a one-time code."),
    ("Payment being matched", Language.EN,
     "Your payment has reached us and is being matched to your application. Please do not "
     "pay again."),
    ("Closing", Language.EN,
     "Is there anything else I can help you with? If not, I will close this conversation and "
     "Msaidizi will continue to help you."),
    ("Salamu", Language.SW,
     "Habari, jina langu ni {agent}, kutoka huduma kwa wateja ya eCitizen. Nimesoma mazungumzo "
     "yako na Msaidizi, kwa hivyo huhitaji kurudia. Nikusaidie vipi?"),
    ("Ninaangalia", Language.SW,
     "Asante kwa kusubiri. Ninalishughulikia jambo hili sasa hivi; litachukua dakika chache."),
    ("Omba nambari ya kumbukumbu", Language.SW,
     "Tafadhali nitumie nambari ya kumbukumbu ya ombi lako (kwa mfano PP-2025-000123). "
     "Usitume kamwe PIN yako ya M-Pesa wala nambari ya siri ya mara moja."),
    ("Malipo yanaunganishwa", Language.SW,
     "Malipo yako yametufikia na yanaunganishwa na ombi lako. Tafadhali usilipe tena."),
    ("Kufunga", Language.SW,
     "Kuna jambo lingine ninaloweza kukusaidia? Kama hakuna, nitafunga mazungumzo haya na "
     "Msaidizi ataendelea kukusaidia."),
)


def list_canned(*, session: Session, language: Language | None = None) -> list[CannedOut]:
    """Return built-in and custom canned replies, optionally of one language."""
    out = [
        CannedOut(id=f"builtin-{i}", title=title, language=lang, text=body, builtin=True)
        for i, (title, lang, body) in enumerate(BUILTIN)
        if language is None or lang is language
    ]
    query = select(CannedReply).order_by(CannedReply.language, CannedReply.title)
    if language is not None:
        query = query.where(CannedReply.language == language)
    rows: Sequence[CannedReply] = session.scalars(query).all()
    out.extend(
        CannedOut(id=str(r.id), title=r.title, language=r.language, text=r.text, builtin=False)
        for r in rows
    )
    return out


def add_canned(*, session: Session, data: CannedIn, by: Agent, now: datetime) -> CannedReply:
    """Store a new canned reply."""
    row = CannedReply(title=data.title.strip(), language=data.language, text=data.text,
                      created_by_id=by.id, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row
