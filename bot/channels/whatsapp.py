"""The WhatsApp Cloud API channel: webhook verification, signed notifications in, sender out.

Meta signs every notification with the app secret (`X-Hub-Signature-256`) over the raw body;
the signature is checked before the body is parsed. Each message's wamid becomes the core's
message id, so a notification Meta delivers again is answered from what was stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import httpx
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse

from bot.channels.whatsapp_sender import CHANNEL, WhatsAppSender
from bot.config import BotSettings, WhatsAppSettings
from bot.core.messages import InboundMessage
from bot.core.results import TurnResult
from common.timezone import utcnow

if TYPE_CHECKING:
    from bot.app import Runtime

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 3_000_000
# Message types that are not something to answer: reactions to earlier messages, system notes.
IGNORED_TYPES = frozenset({"reaction", "system", "ephemeral", "request_welcome"})
CAPTIONED_TYPES = ("image", "video", "document")
REQUIRED = ("access_token", "app_secret", "verify_token", "phone_number_id")

Handle = Callable[[InboundMessage], Awaitable[TurnResult]]


def whatsapp_problem(settings: WhatsAppSettings) -> str | None:
    """Return why the WhatsApp channel cannot run with these settings, or None."""
    missing = []
    for name in REQUIRED:
        value = getattr(settings, name)
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        if not (text or "").strip():
            missing.append(f"MSAIDIZI_WHATSAPP__{name.upper()}")
    return f"{', '.join(missing)} not set" if missing else None


def whatsapp_status(settings: BotSettings) -> str:
    """Describe in one line how the WhatsApp channel runs (for `msaidizi serve`)."""
    problem = whatsapp_problem(settings.whatsapp)
    if problem:
        return f"off ({problem})"
    template = settings.whatsapp.template_name
    late = f"template {template!r}" if template else "skipped (no template configured)"
    return f"webhook at {settings.web.base_url}{WEBHOOK_PATH}; pushes after 24 h: {late}"


def build_whatsapp_channel(runtime: Runtime) -> WhatsAppChannel | None:
    """Build the channel when its settings are complete; otherwise log why it is off."""
    problem = whatsapp_problem(runtime.settings.whatsapp)
    if problem:
        logger.info("WhatsApp channel is off: %s", problem)
        return None
    return WhatsAppChannel(runtime, runtime.settings.whatsapp)


def signature_valid(app_secret: bytes, body: bytes, header: str | None) -> bool:
    """Check `sha256=<hex>` against HMAC-SHA256 of the raw body, in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(app_secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.strip().lower().encode(), expected.encode())


def parse_notification(data: Mapping[str, Any], phone_number_id: str) -> list[InboundMessage]:
    """Return the citizens' messages in a webhook notification, for our number only."""
    if data.get("object") != "whatsapp_business_account":
        return []
    found: list[InboundMessage] = []
    for value in _message_values(data):
        metadata = value.get("metadata") or {}
        if str(metadata.get("phone_number_id", "")) != phone_number_id:
            logger.info("WhatsApp notification for another number ignored")
            continue
        for status in _dicts(value.get("statuses")):
            if status.get("status") == "failed":
                codes = [e.get("code") for e in _dicts(status.get("errors"))]
                logger.warning("WhatsApp reports a message failed: codes %s", codes,
                               extra={"channel": CHANNEL})
        for item in _dicts(value.get("messages")):
            message = to_inbound(item)
            if message is not None:
                found.append(message)
    return found


def to_inbound(item: Mapping[str, Any]) -> InboundMessage | None:
    """Build the core's message for one `messages[]` item; None for items not to answer."""
    wa_id, wamid, kind = str(item.get("from") or ""), item.get("id"), item.get("type")
    if not wa_id or not isinstance(wamid, str) or kind in IGNORED_TYPES:
        return None
    text, choice = "", None
    if kind == "text":
        text = str((item.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        interactive = item.get("interactive") or {}
        reply = interactive.get(str(interactive.get("type"))) or {}
        choice, text = reply.get("id"), str(reply.get("title") or "")
    elif kind == "button":  # a quick-reply button of a template message
        button = item.get("button") or {}
        choice, text = button.get("payload"), str(button.get("text") or "")
    elif kind in CAPTIONED_TYPES:
        text = str((item.get(kind) or {}).get("caption") or "")
    # anything else (audio, sticker, location, contacts, unsupported...) stays empty: the core
    # answers an empty message with "I could not read a question in that message".
    return InboundMessage(CHANNEL, wa_id, text, choice=str(choice) if choice else None,
                          message_id=wamid, received_at=_timestamp(item.get("timestamp")))


def _message_values(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for entry in _dicts(data.get("entry")):
        for change in _dicts(entry.get("changes")):
            if change.get("field") == "messages" and isinstance(change.get("value"), dict):
                yield change["value"]


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _timestamp(value: object) -> datetime:
    """Return when the citizen sent the message (the 24-hour window starts there)."""
    try:
        sent = datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return utcnow()
    return min(sent, utcnow())


def create_whatsapp_router(handle: Handle, settings: WhatsAppSettings) -> APIRouter:
    """Build `GET` (verification handshake) and `POST` (notifications) `/webhooks/whatsapp`."""
    if not (settings.app_secret and settings.verify_token and settings.phone_number_id):
        raise ValueError("the WhatsApp webhook needs the app secret, verify token and number id")
    router = APIRouter()
    app_secret = settings.app_secret.get_secret_value().encode()
    verify_token = settings.verify_token.get_secret_value().encode()
    phone_number_id = settings.phone_number_id

    @router.get(WEBHOOK_PATH, tags=["whatsapp"], response_class=PlainTextResponse)
    async def verify(
        mode: Annotated[str, Query(alias="hub.mode")] = "",
        token: Annotated[str, Query(alias="hub.verify_token")] = "",
        challenge: Annotated[str, Query(alias="hub.challenge", max_length=200)] = "",
    ) -> PlainTextResponse:
        """Answer Meta's subscription check with the challenge when the token matches."""
        if mode != "subscribe" or not hmac.compare_digest(token.encode(), verify_token):
            raise HTTPException(403, "verification failed")
        return PlainTextResponse(challenge)

    @router.post(WEBHOOK_PATH, tags=["whatsapp"])
    async def notify(request: Request) -> Response:
        """Verify the signature over the raw body, then run a turn per message; 200 after."""
        body = await request.body()
        if len(body) > MAX_BODY:
            raise HTTPException(413, "notification too large")
        header = request.headers.get(SIGNATURE_HEADER)
        if header is None:
            raise HTTPException(401, "missing signature")
        if not signature_valid(app_secret, body, header):
            raise HTTPException(403, "bad signature")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            raise HTTPException(400, "invalid JSON") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "not a WhatsApp notification")
        try:
            messages = parse_notification(data, phone_number_id)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            # Signed by Meta but unreadable: acknowledge it, or Meta retries it for ever.
            logger.warning("Unreadable WhatsApp notification ignored: %s", type(exc).__name__)
            return Response(status_code=200)
        for message in messages:
            await handle(message)  # an error here is a 500: Meta delivers again later
        return Response(status_code=200)

    return router


class WhatsAppChannel:
    """The WhatsApp number wired to the runtime: sender plus webhook routes."""

    name = CHANNEL

    def __init__(self, runtime: Runtime, settings: WhatsAppSettings,
                 *, client: httpx.AsyncClient | None = None) -> None:
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(10.0, connect=3.0),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self.sender = WhatsAppSender(self._client, settings, runtime.translations)
        runtime.add_sender(self.sender)
        self.router: APIRouter | None = create_whatsapp_router(runtime.handle, settings)

    async def start(self) -> None:
        """Nothing to register: Meta calls the webhook configured in the app dashboard."""
        logger.info("WhatsApp channel ready")

    async def stop(self) -> None:
        """Nothing to stop: notifications arrive through the web server."""

    async def close(self) -> None:
        """Close the Graph API connections."""
        await self._client.aclose()
