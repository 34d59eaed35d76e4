"""Ways to deliver one-time codes and notices: the `Sender` port and its adapters."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

import httpx
from sqlalchemy.orm import Session, sessionmaker

from backend.crud.outbox import add_message
from common.timezone import utcnow
from privacy import mask

logger = logging.getLogger(__name__)

Channel = Literal["sms", "email"]
SECRET_MASK = "••••••"  # noqa: S105 - what is shown instead of a code


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One SMS or email to deliver; `secret` is the part of the text never to keep (a code)."""

    to: str
    channel: Channel
    text: str
    secret: str | None = None
    secret_ttl: timedelta = timedelta(minutes=5)


class Sender(Protocol):
    """Delivers messages to a citizen's phone or email."""

    def send(self, message: OutgoingMessage) -> None:
        """Deliver `message`; raise on failure."""
        ...


class OutboxSender:
    """Development sender: stores messages in the outbox table read by /dev/outbox.

    A message's secret (its one-time code) is never written to the table: the stored text
    holds a mask, and the code lives in this process's memory until it expires, so the
    outbox page can still show it to the developer meanwhile.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._secrets: dict[int, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> None:
        """Store the message, its secret masked."""
        now = utcnow()
        text = message.text.replace(message.secret, SECRET_MASK) if message.secret else (
            message.text)
        with self._factory() as session:
            row_id = add_message(session=session, to=message.to, channel=message.channel,
                                 text=text, now=now)
            # Kept before the commit: a reader who sees the row must also find its code.
            if message.secret:
                with self._lock:
                    self._secrets = {k: v for k, v in self._secrets.items() if v[1] > now}
                    self._secrets[row_id] = (message.secret, now + message.secret_ttl)
            session.commit()

    def reveal(self, row_id: int, text: str) -> str:
        """Return a stored text with its secret put back while the secret is still valid."""
        with self._lock:
            secret, until = self._secrets.get(row_id, ("", utcnow()))
        return text.replace(SECRET_MASK, secret, 1) if secret and until > utcnow() else text


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
