"""A WhatsApp Cloud API (Graph API) stand-in: `POST /<version>/<phone number id>/messages`.

It records every message posted, checks the bearer token and the limits Meta enforces on text,
reply buttons, list messages and templates, and can be told to answer the next message with a
Graph error (131047 re-engagement, a 429 rate limit, a 500).
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

ERRORS: dict[str, tuple[int, dict[str, Any]]] = {
    "reengagement": (400, {
        "message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
        "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send "
                       "because more than 24 hours have passed since the customer last replied "
                       "to this number."},
        "fbtrace_id": "AbCdEfStandIn"}),
    "rate_limit": (429, {"message": "(#130429) Rate limit hit", "type": "OAuthException",
                         "code": 130429, "error_data": {"messaging_product": "whatsapp",
                         "details": "Cloud API message throughput has been reached."},
                         "fbtrace_id": "AbCdEfStandIn"}),
    "server": (500, {"message": "An unknown error has occurred.", "type": "OAuthException",
                     "code": 1, "fbtrace_id": "AbCdEfStandIn"}),
    "bad_recipient": (400, {"message": "(#131030) Recipient phone number not in allowed list",
                            "type": "OAuthException", "code": 131030,
                            "fbtrace_id": "AbCdEfStandIn"}),
}


class GraphStandIn:
    """The Graph API for one phone number id; run `app` with LiveServer; thread-safe."""

    def __init__(self, token: str = "EAAG-test-token", phone_number_id: str = "106540352242922",
                 version: str = "v23.0") -> None:
        self.token = token
        self.url = ""  # set by whoever serves `app`
        self.phone_number_id = phone_number_id
        self.version = version
        self._lock = threading.Lock()
        self.app = self._build_app()
        self.reset()

    def reset(self) -> None:
        """Forget messages and failures."""
        with self._lock:
            self.messages: list[dict[str, Any]] = []
            self.refused: list[dict[str, Any]] = []
            self._failures: list[str] = []

    def fail_next(self, kind: str) -> None:
        """Answer the next message with an error: reengagement, rate_limit, server..."""
        with self._lock:
            self._failures.append(kind)

    def sent(self, to: str | None = None) -> list[dict[str, Any]]:
        """Return the accepted messages (optionally to one wa_id), oldest first."""
        with self._lock:
            return [m for m in self.messages if to is None or m.get("to") == to]

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{version}/{phone_number_id}/messages")
        async def messages(version: str, phone_number_id: str, request: Request) -> JSONResponse:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return _graph_error(401, {"message": "Invalid OAuth access token.",
                                          "type": "OAuthException", "code": 190})
            if version != self.version or phone_number_id != self.phone_number_id:
                return _graph_error(400, {"message": "Unsupported post request.",
                                          "type": "GraphMethodException", "code": 100})
            body = await request.json()
            with self._lock:
                failure = self._failures.pop(0) if self._failures else None
            if failure:
                with self._lock:
                    self.refused.append(body)
                status, error = ERRORS[failure]
                return _graph_error(status, error)
            problem = check_message(body)
            if problem:
                with self._lock:
                    self.refused.append(body)
                return _graph_error(400, {"message": "(#131009) Parameter value is not valid",
                                          "type": "OAuthException", "code": 131009,
                                          "error_data": {"details": problem}})
            with self._lock:
                self.messages.append(body)
                wamid = f"wamid.standin{len(self.messages)}"
            return JSONResponse({"messaging_product": "whatsapp",
                                 "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                 "messages": [{"id": wamid}]})

        return app


def check_message(body: dict[str, Any]) -> str | None:
    """Return what Meta would refuse in a message, or None when it is valid."""
    if body.get("messaging_product") != "whatsapp" or not body.get("to"):
        return "messaging_product and to are required"
    kind = body.get("type")
    if kind == "text":
        text = body.get("text", {}).get("body", "")
        return None if 1 <= len(text) <= 4096 else "text.body must be 1-4096 characters"
    if kind == "template":
        template = body.get("template", {})
        for component in template.get("components", []):
            for parameter in component.get("parameters", []):
                value = parameter.get("text", "")
                if "\n" in value or "\t" in value or "     " in value:
                    return "template parameter has new-line, tab or 5+ spaces"
        return None if template.get("name") and template.get("language", {}).get("code") else (
            "template name and language are required")
    if kind == "interactive":
        return _check_interactive(body.get("interactive", {}))
    return f"unsupported message type {kind!r}"


def _check_interactive(interactive: dict[str, Any]) -> str | None:
    body = interactive.get("body", {}).get("text", "")
    if not 1 <= len(body) <= 1024:
        return "interactive body must be 1-1024 characters"
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        buttons = action.get("buttons", [])
        if not 1 <= len(buttons) <= 3:
            return "reply buttons: 1-3 buttons"
        for button in buttons:
            reply = button.get("reply", {})
            if not 1 <= len(reply.get("title", "")) <= 20:
                return "button title must be 1-20 characters"
            if not 1 <= len(reply.get("id", "")) <= 256:
                return "button id must be 1-256 characters"
        return None
    if interactive.get("type") == "list":
        if not 1 <= len(action.get("button", "")) <= 20:
            return "list button label must be 1-20 characters"
        rows = [row for section in action.get("sections", []) for row in section.get("rows", [])]
        if not 1 <= len(rows) <= 10:
            return "list: 1-10 rows in total"
        for row in rows:
            if not 1 <= len(row.get("title", "")) <= 24:
                return "row title must be 1-24 characters"
            if len(row.get("description", "")) > 72:
                return "row description must be at most 72 characters"
            if not 1 <= len(row.get("id", "")) <= 200:
                return "row id must be 1-200 characters"
        return None
    return f"unsupported interactive type {interactive.get('type')!r}"


def _graph_error(status: int, error: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)
