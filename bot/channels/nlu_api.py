"""Rasa-compatible NLU endpoint: POST /model/parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.core.language import explicit_language_request
from bot.core.payloads import Payload
from bot.core.ports import ParseResult
from bot.knowledge.live import LiveKnowledge


class ParseRequest(BaseModel):
    """Rasa's parse request: the text, and optionally the language."""

    text: str = Field(max_length=20_000)
    lang: Literal["en", "sw"] | None = None




def payload_parse(text: str, is_payload: Callable[[str], bool]) -> dict[str, Any] | None:
    """Recognise a button payload sent back as text; None when `text` is not one."""
    tapped = Payload.typed(text)  # a tapped button comes back to Rasa as its payload text
    if tapped is None or not is_payload(tapped.name):
        return None
    intent = {"name": tapped.name, "confidence": 1.0}
    return {"text": text, "intent": intent, "intent_ranking": [intent],
            "entities": [{"entity": "payload", "value": str(tapped), "start": 0,
                          "end": len(text), "extractor": "msaidizi"}],
            "language": None}


def rasa_parse(result: ParseResult, knowledge: LiveKnowledge,
               is_payload: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """Shape a parse result as Rasa's HTTP API does."""
    if is_payload and (tapped := payload_parse(result.text, is_payload)) is not None:
        return tapped
    if explicit_language_request(result.text):
        # "English please" switches the language in the conversation core whatever the
        # classifier ranks first; Rasa's rules must reach the same handler
        intent: dict[str, Any] = {"name": "change_language", "confidence": 1.0}
    else:
        top = knowledge.top_intent(result)
        intent = {"name": top.name, "confidence": top.confidence}
    return {
        "text": result.text,
        "intent": intent,
        "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in result.ranking],
        "entities": [
            {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end,
             "extractor": "msaidizi"}
            for e in result.entities
        ],
        "language": result.language,
    }


def create_nlu_router(knowledge: LiveKnowledge,
                      is_payload: Callable[[str], bool] | None = None) -> APIRouter:
    """Build the /model/parse route; `is_payload` tells which names are choice payloads."""
    router = APIRouter(tags=["nlu"])

    @router.post("/model/parse")
    def parse(body: ParseRequest) -> dict[str, Any]:
        """Rank intents and FAQ articles for a text, as Rasa's /model/parse does."""
        return rasa_parse(knowledge.parse(body.text[:1000], body.lang), knowledge, is_payload)

    return router
