"""Ways to deliver one-time codes and notices: the `Sender` port and its adapters."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx
from sqlalchemy.orm import Session, sessionmaker

from backend.crud.outbox import add_message
from backend.db import utcnow
from privacy import mask

logger = logging.getLogger(__name__)

Channel = Literal["sms", "email"]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One SMS or email to deliver."""

    to: str
    channel: Channel
    text: str


class Sender(Protocol):
    """Delivers messages to a citizen's phone or email."""

    def send(self, message: OutgoingMessage) -> None:
        """Deliver `message`; raise on failure."""
        ...


class OutboxSender:
    """Development sender: stores messages in the outbox table read by /dev/outbox."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def send(self, message: OutgoingMessage) -> None:
        """Store the message."""
        with self._factory() as session:
            add_message(
                session=session,
                to=message.to,
                channel=message.channel,
                text=message.text,
                now=utcnow(),
            )
            session.commit()


class LogSender:
    """Sender that only logs that a message went out (never its text, which holds the code)."""

    def send(self, message: OutgoingMessage) -> None:
        """Log the masked destination."""
        logger.info("Would send %s to %s", message.channel, mask(message.to))


class HttpSender:
    """Posts `{to, channel, text}` as JSON to an SMS/email gateway with a bearer token."""

    def __init__(self, url: str, token: str | None, client: httpx.Client) -> None:
        self._url, self._token, self._client = url, token, client

    def send(self, message: OutgoingMessage) -> None:
        """Post the message; raise `httpx.HTTPError` on failure."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        response = self._client.post(
            self._url,
            json={"to": message.to, "channel": message.channel, "text": message.text},
            headers=headers,
        )
        response.raise_for_status()


def deliver(sender: Sender, message: OutgoingMessage) -> None:
    """Send in the background after the response; log failures without personal data."""
    try:
        sender.send(message)
    except Exception:
        logger.exception("Delivering a %s to %s failed", message.channel, mask(message.to))
