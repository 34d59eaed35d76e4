"""Rasa-compatible NLU endpoint: POST /model/parse."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.core.ports import ParseResult
from bot.live_knowledge import LiveKnowledge


class ParseRequest(BaseModel):
    """Rasa's parse request: the text, and optionally the language."""

    text: str = Field(max_length=20_000)
    lang: Literal["en", "sw"] | None = None


def rasa_parse(result: ParseResult, knowledge: LiveKnowledge) -> dict[str, Any]:
    """Shape a parse result as Rasa's HTTP API does."""
    top = knowledge.top_intent(result)
    return {
        "text": result.text,
        "intent": {"name": top.name, "confidence": top.confidence},
        "intent_ranking": [{"name": s.name, "confidence": s.confidence} for s in result.ranking],
        "entities": [
            {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end,
             "extractor": "msaidizi"}
            for e in result.entities
        ],
        "language": result.language,
    }


def create_nlu_router(knowledge: LiveKnowledge) -> APIRouter:
    """Build the /model/parse route over the live matcher."""
    router = APIRouter(tags=["nlu"])

    @router.post("/model/parse")
    def parse(body: ParseRequest) -> dict[str, Any]:
        """Rank intents and FAQ articles for a text, as Rasa's /model/parse does."""
        return rasa_parse(knowledge.parse(body.text[:1000], body.lang), knowledge)

    return router
