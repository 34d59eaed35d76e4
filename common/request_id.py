"""One id per HTTP request, carried from the assistant to the backend and into every log line.

`RequestIdMiddleware` (plain ASGI, no framework) accepts a well-formed `X-Request-ID` from the
caller (a load balancer or the assistant calling its backend) or makes one, keeps it in a
context variable for the request's work, and returns it in the response. `RequestIdFilter`
puts it on log records; HTTP clients send `current()` on their own calls.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def current() -> str | None:
    """Return the id of the request being handled, if any."""
    return _REQUEST_ID.get()


def accept(value: str | None) -> str:
    """Return the caller's id when well-formed (8-128 of A-Z a-z 0-9 . _ : -), else a new one."""
    if value and _WELL_FORMED.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each HTTP or WebSocket request an id for its work, its logs and its response."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the id for the request (an outer middleware's id is kept) and echo it."""
        if scope["type"] not in ("http", "websocket") or _REQUEST_ID.get() is not None:
            await self.app(scope, receive, send)
            return
        sent = next((v.decode("latin-1") for k, v in scope.get("headers", ())
                     if k.lower() == b"x-request-id"), None)
        request_id = accept(sent)
        token = _REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on each record as `request_id` (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate; never drop a record."""
        if getattr(record, "request_id", None) is None:
            record.request_id = _REQUEST_ID.get()
        return True
