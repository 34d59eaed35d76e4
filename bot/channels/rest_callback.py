"""Pushes to REST-channel conversations, POSTed to the widget's callback URL as Rasa does.

Rasa's callback channel sends bot messages to a URL the integrator runs. Here the answers to a
REST message still come back in the response; what arrives later (an agent's reply, a ticket
closed) is posted to `MSAIDIZI_WEB__REST_CALLBACK_URL` in the REST output shape.
"""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from bot.channels.webchat import REST_CHANNEL, rasa_output
from bot.core.delivery import DeliveryError, PermanentDeliveryError
from bot.core.messages import Reply
from bot.core.session import Session


class RestCallbackSender:
    """Posts one pushed reply to the callback URL; retried on 5xx and network errors."""

    channel = REST_CHANNEL

    def __init__(self, client: httpx.AsyncClient, url: str, token: SecretStr | None = None
                 ) -> None:
        self._client = client
        self._url = url
        self._headers = ({"Authorization": f"Bearer {token.get_secret_value()}"}
                         if token else {})

    async def send(self, session: Session, reply: Reply) -> None:
        """POST `{"recipient_id", "text", "buttons"?}` for the conversation's sender."""
        body = rasa_output(session.sender_id, reply)
        try:
            response = await self._client.post(self._url, json=body, headers=self._headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"REST callback unreachable: {type(exc).__name__}") from exc
        if response.is_success:
            return
        summary = f"REST callback HTTP {response.status_code}"
        if response.status_code >= 500 or response.status_code == 429:
            raise DeliveryError(summary)
        raise PermanentDeliveryError(summary)  # the integrator refuses it: retrying will not help
