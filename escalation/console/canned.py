"""Canned replies: built-in ones (translated through the catalogs), plus those editors add.

`{agent}` in a text is replaced by the agent's display name when inserted in the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.domain import Language
from backend.core.i18n import N_, NC_, say, say_in
from escalation.console.schemas import CannedIn, CannedOut
from escalation.models import Agent, CannedReply

# Built-in replies in English; their Swahili (and any later language) is in the catalogs, so
# translators and editors find them with every other text a citizen reads.
BUILTIN: tuple[tuple[tuple[str, str], str], ...] = (
    (NC_("canned reply title", "Greeting"),
     N_("Hello, my name is {agent}, from eCitizen support. I have read your conversation with "
        "Msaidizi, so you do not need to repeat yourself. How can I help?")),
    (NC_("canned reply title", "Checking"),
     N_("Thank you for waiting. I am checking this for you now; it will take a few minutes.")),
    (NC_("canned reply title", "Ask for the reference"),
     N_("Please send me your application reference number (for example PP-2025-000123). "
        "Never send your M-Pesa PIN or a one-time code.")),
    (NC_("canned reply title", "Payment being matched"),
     N_("Your payment has reached us and is being matched to your application. Please do not "
        "pay again.")),
    (NC_("canned reply title", "Closing"),
     N_("Is there anything else I can help you with? If not, I will close this conversation "
        "and Msaidizi will continue to help you.")),
)


def builtin_replies(language: Language) -> list[CannedOut]:
    """Return the built-in replies in `language`, numbered as they always were."""
    offset = list(Language).index(language) * len(BUILTIN)
    return [
        CannedOut(id=f"builtin-{offset + i}", title=say_in(language, title), language=language,
                  text=say(language, text), builtin=True)
        for i, (title, text) in enumerate(BUILTIN)
    ]


def list_canned(*, session: Session, language: Language | None = None) -> list[CannedOut]:
    """Return built-in and custom canned replies, optionally of one language."""
    out = [reply for lang in Language if language in (None, lang)
           for reply in builtin_replies(lang)]
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
