"""A Telegram Bot API stand-in: `/bot<token>/<method>` over real HTTP, recording every call.

It serves queued updates through getUpdates with Telegram's offset and long-poll semantics,
checks what the real API checks (HTML that Telegram can parse, 4,096 characters, callback_data
of 1-64 bytes, HTTPS webhooks) and can be told to answer the next call to a method with a
flood-control 429, a "bot was blocked" 403 or a "chat not found" 400.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

STRING_PARAMS = {"text", "caption", "callback_query_id", "url", "secret_token", "parse_mode",
                 "language_code", "inline_message_id", "ip_address"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "span", "tg-spoiler", "tg-emoji", "blockquote"}
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?>")
_BAD_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

FAILURES: dict[str, tuple[int, str]] = {
    "flood": (429, "Too Many Requests: retry after {retry_after}"),
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "server": (500, "Internal Server Error"),
}


@dataclass(frozen=True)
class BotApiCall:
    """One recorded Bot API call with its decoded parameters."""

    method: str
    params: dict[str, Any]


class _HtmlText(HTMLParser):
    """Check Telegram-style HTML and collect the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(text: str, parse_mode: str | None) -> tuple[str, str | None]:
    """Return what a Telegram client shows for `text`, and a parse error if Telegram has one."""
    if (parse_mode or "").upper() != "HTML":
        return text, None
    stripped = _TAG.sub("", text)
    if "<" in stripped or ">" in stripped or _BAD_AMP.search(text):
        return text, "Can't parse entities: unescaped character"
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Unclosed start tag "{parser.stack[-1]}"'
    return "".join(parser.parts), parser.error


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramStandIn:
    """The Bot API for one bot token; run `app` with LiveServer; thread-safe accessors."""

    def __init__(self, token: str = "123456:TEST-token_abc", username: str = "msaidizi_test_bot"):
        self.token = token
        self.url = ""  # set by whoever serves `app`
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Msaidizi",
                         "username": username, "can_join_groups": False,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self._lock = threading.Lock()
        self.app = self._build_app()
        self.reset()

    # ------------------------------------------------------------------ test controls
    def reset(self) -> None:
        """Forget calls, updates, failures and registrations."""
        with self._lock:
            self.calls: list[BotApiCall] = []
            self._updates: list[dict[str, Any]] = []
            self._next_update_id = 1000
            self._failures: list[tuple[str, str, int]] = []
            self.confirmed_offset = 0
            self.webhook: dict[str, Any] | None = None
            self.commands: dict[str, list[dict[str, Any]]] = {}
            self.answered: set[str] = set()
            self.blocked_chats: set[str] = set()
            self._message_id = 0
            self.closing = False

    def add_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; give it the next update_id; return that id."""
        with self._lock:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            self._updates.append(update)
            return int(update["update_id"])

    def next_update_id(self) -> int:
        """Reserve an update id (for updates sent to a webhook instead of getUpdates)."""
        with self._lock:
            self._next_update_id += 1
            return self._next_update_id - 1

    def fail_next(self, method: str, kind: str, retry_after: int = 1) -> None:
        """Answer the next call to `method` with an error (flood, blocked, chat_not_found...)."""
        with self._lock:
            self._failures.append((method, kind, retry_after))

    def calls_to(self, method: str) -> list[BotApiCall]:
        """Return the recorded calls to one method, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def all_calls(self) -> list[BotApiCall]:
        """Return every recorded call, oldest first."""
        with self._lock:
            return list(self.calls)

    async def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait (in the caller's loop) until getUpdates confirmed `update_id` with its offset."""
        deadline = time.monotonic() + timeout
        while self.confirmed_offset <= update_id:
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update_id} was never acknowledged")
            await asyncio.sleep(0.005)

    # ------------------------------------------------------------------ the API
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def api(token: str, method: str, request: Request) -> JSONResponse:
            params = await _decode(request)
            if token != self.token:
                return _error(401, "Unauthorized")
            with self._lock:
                self.calls.append(BotApiCall(method, params))
                failure = next((f for f in self._failures if f[0] == method), None)
                if failure:
                    self._failures.remove(failure)
            if failure:
                return _failure(failure[1], failure[2])
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                return _error(404, "Not Found: method not found")
            result: JSONResponse = await handler(params)
            return result

        return app

    async def _api_getMe(self, params: dict[str, Any]) -> JSONResponse:
        return _ok(self.bot_user)

    async def _api_getUpdates(self, params: dict[str, Any]) -> JSONResponse:
        if self.webhook:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active; "
                               "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 10.0)
        with self._lock:
            if offset > 0:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        while True:
            with self._lock:
                pending = self._updates[:limit]
            if pending or self.closing or time.monotonic() >= deadline:
                return _ok(pending)
            await asyncio.sleep(0.005)

    async def _api_sendMessage(self, params: dict[str, Any]) -> JSONResponse:
        chat_id = str(params.get("chat_id", ""))
        if chat_id in self.blocked_chats:
            return _failure("blocked", 0)
        text = str(params.get("text") or "")
        shown, problem = visible_text(text, params.get("parse_mode"))
        if problem:
            return _error(400, f"Bad Request: {problem}")
        if not shown.strip():
            return _error(400, "Bad Request: message text is empty")
        if utf16_length(shown) > 4096:
            return _error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if markup is not None and (problem := _check_markup(markup)):
            return _error(400, f"Bad Request: {problem}")
        return _ok(self._message(chat_id, shown, markup))

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> JSONResponse:
        query_id = str(params.get("callback_query_id") or "")
        with self._lock:
            if query_id in self.answered:
                return _error(400, "Bad Request: query is too old and response timeout expired "
                                   "or query ID is invalid")
            self.answered.add(query_id)
        return _ok(True)

    async def _api_setMyCommands(self, params: dict[str, Any]) -> JSONResponse:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands:
            return _error(400, "Bad Request: commands must be non-empty")
        for command in commands:
            if not _COMMAND.match(str(command.get("command", ""))):
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                return _error(400, "Bad Request: command description is invalid")
        with self._lock:
            self.commands[str(params.get("language_code") or "")] = commands
        return _ok(True)

    async def _api_getMyCommands(self, params: dict[str, Any]) -> JSONResponse:
        return _ok(self.commands.get(str(params.get("language_code") or ""), []))

    async def _api_setWebhook(self, params: dict[str, Any]) -> JSONResponse:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            return _error(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self.webhook = dict(params) if url else None
        return _ok(True)

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            self.webhook = None
            if params.get("drop_pending_updates") is True:
                self._updates.clear()
        return _ok(True)

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            url = (self.webhook or {}).get("url", "")
            return _ok({"url": url, "has_custom_certificate": False,
                        "pending_update_count": len(self._updates)})

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> JSONResponse:
        return _ok(self._message(str(params.get("chat_id", "")), "", params.get("reply_markup")))

    async def _api_sendChatAction(self, params: dict[str, Any]) -> JSONResponse:
        return _ok(True)

    def _message(self, chat_id: str, text: str, markup: object) -> dict[str, Any]:
        with self._lock:
            self._message_id += 1
            message_id = self._message_id
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "text": text,
            "chat": {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else 0, "type": "private"},
            "from": self.bot_user,
        }
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        return message


def _check_markup(markup: object) -> str | None:
    """Return what Telegram would say about an inline keyboard, or None when it is valid."""
    if not isinstance(markup, dict):
        return "can't parse reply keyboard markup JSON object"
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                return "BUTTON_TEXT_EMPTY"
            data = button.get("callback_data")
            url = button.get("url")
            if (data is None) == (url is None):
                return "BUTTON_TYPE_INVALID"
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                return "BUTTON_DATA_INVALID"
            if url is not None and not str(url).startswith(("https://", "http://", "tg://")):
                return "BUTTON_URL_INVALID"
    return None


async def _decode(request: Request) -> dict[str, Any]:
    """Read parameters as PTB sends them (form fields holding JSON), or as JSON or a query."""
    if request.method == "GET":
        raw: dict[str, Any] = dict(request.query_params)
    elif request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return dict(json.loads(body)) if body else {}
    else:
        form = await request.form()
        raw = {key: value for key, value in form.items() if isinstance(value, str)}
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        if key in STRING_PARAMS:
            decoded[key] = value
            continue
        try:
            decoded[key] = json.loads(value)
        except ValueError:
            decoded[key] = value
    return decoded


def _ok(result: object) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": status, "description": description},
                        status_code=status)


def _failure(kind: str, retry_after: int) -> JSONResponse:
    status, description = FAILURES[kind]
    body: dict[str, Any] = {"ok": False, "error_code": status,
                            "description": description.format(retry_after=retry_after)}
    if kind == "flood":
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


def strip_html(text: str) -> str:
    """Return the visible text of Telegram HTML."""
    return html.unescape(_TAG.sub("", text))
