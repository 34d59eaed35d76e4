"""Security headers on every HTML page served: the chat page, the console, receipts.

The pages carry no inline script and the policy forbids it: even if a message ever reached
the DOM as markup, the browser would not run it. Frames are refused (clickjacking), types
are not sniffed, and no referrer leaks the page's address.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Inline styles stay allowed for the small server-rendered pages (receipts, development
# pages); the chat page and the console use their own style sheets. Inline script never is.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# FastAPI's own API pages (/docs, /redoc) load their script from a CDN and run inline code.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
}
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """ASGI middleware: every response gets nosniff; every HTML response the full set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else POLICY

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in HEADERS]
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html")
                           for k, v in headers)
                headers += list(HEADERS.items()) if html else [
                    (b"x-content-type-options", b"nosniff")]
                has_policy = any(k.lower() == b"content-security-policy" for k, _ in headers)
                if html and not has_policy:  # a page with its own (stricter) policy keeps it
                    headers.append((b"content-security-policy", policy.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
