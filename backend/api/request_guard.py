"""Refuse, before any route runs, request bodies no route can use: too big, too deep, not text.

* A body larger than the limit is refused with 413 as soon as its size is known (Content-Length)
  or as it streams past the limit; nothing larger is ever buffered.
* JSON nested deeper than any of our payloads (Python's parser would hit its recursion limit
  at about a thousand levels) is refused with 400.
* JSON text with a lone surrogate escape (backslash-u-d800) parses into a string no database or
  response can encode; it is refused with 400 rather than failing later with a 500.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 512 * 1024
MAX_DEPTH = 64
PROBLEMS = "https://msaidizi.example/problems/"


class RequestGuard:
    """ASGI middleware enforcing the body rules above on every HTTP request."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body within the limit, check it, and replay it to the route."""
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            await _problem(send, 413, "body-too-large",
                           f"The request body is larger than {self.max_body} bytes.")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)  # a disconnect: pass it on
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _problem(send, 413, "body-too-large",
                               f"The request body is larger than {self.max_body} bytes.")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and (reason := unusable_json(body)):
            await _problem(send, 400, "invalid-body", reason)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body,
                                        "more_body": False}], receive), send)


def unusable_json(body: bytes) -> str | None:
    """Say why a JSON body can never be used, or None (malformed JSON is the route's to judge)."""
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _depth(body) > MAX_DEPTH:
        return f"The JSON is nested more than {MAX_DEPTH} levels deep."
    if b"\\ud" in body.lower():
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return None
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "The JSON contains text that is not valid Unicode (a lone surrogate)."
    return None


def _depth(body: bytes) -> int:
    """Return the deepest nesting of brackets outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """Return a receive callable that gives `messages` first, then the real stream."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _problem(send: Send, status: int, kind: str, detail: str) -> None:
    body: dict[str, Any] = {"type": PROBLEMS + kind, "title": detail, "status": status,
                            "detail": detail}
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
