"""A turn that could not get its conversation in time: a translated 503 with `Retry-After`."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.core.ports import ConversationBusy, SharedStateUnavailable, Translations
from bot.core.text import N_

BUSY_TYPE = "https://msaidizi.example/problems/conversation-busy"
BUSY_TEXT = N_("Your previous message is still being handled. "
               "Please send this one again in a moment.")
UNAVAILABLE_TYPE = "https://msaidizi.example/problems/service-unavailable"
UNAVAILABLE_TEXT = N_("The service is briefly unavailable. "
                      "Please send your message again in a minute.")


# The problem type and message id for each reason a message was not taken
_PROBLEMS = {ConversationBusy.reason: (BUSY_TYPE, BUSY_TEXT),
             SharedStateUnavailable.reason: (UNAVAILABLE_TYPE, UNAVAILABLE_TEXT)}


def busy_text(busy: ConversationBusy) -> str:
    """Return the message id that tells the sender why the message was not taken."""
    return _PROBLEMS[busy.reason][1]


def preferred_locale(accept_language: str | None, locales: Sequence[str]) -> str:
    """Return the supported locale the `Accept-Language` header prefers most, else the default."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue  # a malformed weight says nothing we can trust
        language = tag.strip().lower().split("-")[0]
        if language in locales and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else locales[0]


def busy_response(busy: ConversationBusy, translations: Translations,
                  accept_language: str | None) -> JSONResponse:
    """Return the translated 503 problem that asks the sender to send the message again."""
    t = translations.for_locale(preferred_locale(accept_language, translations.locales))
    problem, text = _PROBLEMS[busy.reason]
    return JSONResponse(
        {"type": problem, "status": 503,
         "title": t.gettext(text),
         "retry_after_seconds": busy.retry_after},
        status_code=503, media_type="application/problem+json",
        headers={"Retry-After": str(busy.retry_after)})


def install_busy_handler(app: FastAPI, translations: Translations) -> None:
    """Answer every route's `ConversationBusy` (web chat, REST, Telegram, WhatsApp) alike.

    `SharedStateUnavailable` (Redis or the database did not answer) is one too: the sender
    sends again.
    """

    async def on_busy(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ConversationBusy)
        return busy_response(exc, translations, request.headers.get("accept-language"))

    app.add_exception_handler(ConversationBusy, on_busy)
