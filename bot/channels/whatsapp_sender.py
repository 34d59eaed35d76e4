"""Send replies through the WhatsApp Cloud API: text, reply buttons, list messages, templates.

Free-form messages are only allowed within 24 hours of the citizen's last message. Later
pushes (an agent's late reply, a passport ready for collection) go out as the configured
approved template, with the message as its body parameter, or are refused with a clear reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.channels.render import markdown_to_plain, markdown_to_whatsapp, shorten, split_text
from bot.config import WhatsAppSettings
from bot.core.delivery import DeliveryError, PermanentDeliveryError
from bot.core.messages import ChoicesReply, LinkReply, Reply, render_as_text
from bot.core.ports import Translations
from bot.core.session import Session
from bot.core.text import N_
from common.timezone import utcnow

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
SERVICE_WINDOW = timedelta(hours=24)
MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_BUTTON_ID = 3, 20, 256
MAX_ROWS, MAX_ROW_TITLE, MAX_ROW_DESCRIPTION, MAX_ROW_ID = 10, 24, 72, 200
MAX_LIST_BUTTON = 20
# Meta refuses template parameters with line breaks; the body around them counts too.
MAX_TEMPLATE_PARAMETER = 900
REENGAGEMENT = 131047
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
LIST_BUTTON = N_("Options")

Message = dict[str, Any]


def text_messages(text: str, *, preview: bool = False) -> list[Message]:
    """Split a text at paragraph or line breaks into WhatsApp text messages."""
    return [
        {"type": "text", "text": {"body": part, "preview_url": preview}}
        for part in split_text(markdown_to_whatsapp(text), MAX_TEXT)
    ]


def choices_message(reply: ChoicesReply, list_label: str) -> list[Message]:
    """Render choices as reply buttons, a list message, or numbered text, whichever fits."""
    body = markdown_to_whatsapp(reply.text) or list_label
    choices = reply.choices
    payloads = [c.payload for c in choices]
    fits = (
        choices
        and len(body) <= MAX_INTERACTIVE_BODY
        and len(set(payloads)) == len(payloads)
        and all(1 <= len(p) <= MAX_ROW_ID for p in payloads)
    )
    if not fits:
        return text_messages(render_as_text(reply))
    titles = [c.title for c in choices]
    if (len(choices) <= MAX_BUTTONS and all(len(t) <= MAX_BUTTON_TITLE for t in titles)
            and len(set(titles)) == len(titles) and all(len(p) <= MAX_BUTTON_ID for p in payloads)):
        buttons = [{"type": "reply", "reply": {"id": c.payload, "title": c.title}}
                   for c in choices]
        return [{"type": "interactive", "interactive": {
            "type": "button", "body": {"text": body}, "action": {"buttons": buttons}}}]
    if len(choices) <= MAX_ROWS:
        rows = [_row(c.payload, c.title) for c in choices]
        action = {"button": shorten(list_label, MAX_LIST_BUTTON), "sections": [{"rows": rows}]}
        return [{"type": "interactive", "interactive": {
            "type": "list", "body": {"text": body}, "action": action}}]
    return text_messages(render_as_text(reply))


def _row(payload: str, title: str) -> dict[str, str]:
    """Build a list row; a title too long for the row goes whole into the description."""
    row = {"id": payload, "title": shorten(title, MAX_ROW_TITLE)}
    if len(title) > MAX_ROW_TITLE:
        row["description"] = shorten(title, MAX_ROW_DESCRIPTION)
    return row


def render_reply(reply: Reply, list_label: str) -> list[Message]:
    """Render one reply as the WhatsApp messages that show it best."""
    if isinstance(reply, ChoicesReply):
        return choices_message(reply, list_label)
    if isinstance(reply, LinkReply):
        return text_messages(render_as_text(reply), preview=True)
    return text_messages(reply.text)


def template_message(reply: Reply, name: str, language: str) -> Message:
    """Wrap a reply in the approved template, as its single body parameter."""
    # plain text (a parameter shows `**` and `- ` as typed), joined into one line
    text = shorten(markdown_to_whatsapp(markdown_to_plain(render_as_text(reply))),
                   MAX_TEMPLATE_PARAMETER)
    return {"type": "template", "template": {
        "name": name,
        "language": {"code": language},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
    }}


class WhatsAppSender:
    """Posts replies to the Graph API `/<version>/<phone number id>/messages` endpoint."""

    channel = CHANNEL

    def __init__(self, client: httpx.AsyncClient, settings: WhatsAppSettings,
                 translations: Translations, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        if settings.access_token is None or not settings.phone_number_id:
            raise ValueError("sending on WhatsApp needs an access token and a phone number id")
        self._client = client
        self._settings = settings
        self._translations = translations
        self._clock = clock
        base = settings.api_base_url.rstrip("/")
        self._url = f"{base}/{settings.api_version}/{settings.phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {settings.access_token.get_secret_value()}"}

    def in_service_window(self, session: Session) -> bool:
        """Return True while free-form messages may be sent (24 h after the last inbound)."""
        last = session.last_inbound_at
        return last is not None and self._clock() - last <= SERVICE_WINDOW

    async def send(self, session: Session, reply: Reply) -> None:
        """Send one reply, as a template outside the 24-hour window."""
        if not self.in_service_window(session):
            name = self._settings.template_name
            if not name:
                logger.warning("WhatsApp push skipped: outside the 24-hour window",
                               extra={"channel": CHANNEL,
                                      "conversation_id": session.conversation_id})
                raise PermanentDeliveryError(
                    "outside WhatsApp's 24-hour window and no template is configured "
                    "(MSAIDIZI_WHATSAPP__TEMPLATE_NAME)"
                )
            language = self._settings.template_languages.get(
                session.locale, self._settings.template_language)
            message = template_message(reply, name, language)
            await self._post(session.sender_id, message)
            return
        label = self._translations.for_locale(session.locale).gettext(LIST_BUTTON)
        for message in render_reply(reply, label):
            await self._post(session.sender_id, message)

    async def _post(self, to: str, message: Message) -> None:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                **message}
        try:
            response = await self._client.post(self._url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"WhatsApp API unreachable: {type(exc).__name__}") from exc
        if response.is_success:
            return
        raise graph_error(response)


def graph_error(response: httpx.Response) -> DeliveryError:
    """Map a Graph API error response to a delivery error that says whether to retry."""
    code: object = None
    detail = ""
    try:
        error = response.json().get("error") or {}
        code = error.get("code")
        detail = str((error.get("error_data") or {}).get("details") or error.get("message") or "")
    except (ValueError, AttributeError):
        detail = response.text[:200]
    status = response.status_code
    summary = f"WhatsApp API HTTP {status}, code {code}: {detail[:200]}"
    if code == REENGAGEMENT:
        return PermanentDeliveryError(
            f"re-engagement required (131047): the citizen wrote more than 24 hours ago. {summary}"
        )
    if status == 429 or code in RATE_LIMIT_CODES or status >= 500:
        return DeliveryError(summary, retry_after=_retry_after(response))
    return PermanentDeliveryError(summary)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None
