"""The console's page and its static files, with a strict Content-Security-Policy.

The page carries no inline script or style, and the policy forbids them: even if message
text ever reached the DOM as HTML, the browser would not run it. The script itself only
ever sets `textContent`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backend.core.problems import ProblemError

CONSOLE_DIR = Path(__file__).resolve().parent  # console.html, console.js, console.css
STATIC = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


def _base(request: Request) -> str:
    return f"{request.scope.get('root_path', '').rstrip('/')}/console"


@router.get("/console", response_class=HTMLResponse)
def page(request: Request) -> HTMLResponse:
    """Serve the console page; the script signs in or shows the queue."""
    html = (CONSOLE_DIR / "console.html").read_text(encoding="utf-8")
    html = html.replace("{{base}}", escape(_base(request), quote=True))
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


@router.get("/console/")
def page_slash(request: Request) -> RedirectResponse:
    """Send /console/ to /console."""
    return RedirectResponse(_base(request), status_code=308)


@router.get("/console/static/{name}")
def static(name: Annotated[str, PathParam(max_length=40)]) -> Response:
    """Serve the console's script and stylesheet (nothing else)."""
    if name not in STATIC:
        raise ProblemError(404, "not-found")
    body = (CONSOLE_DIR / name).read_bytes()
    return Response(body, media_type=STATIC[name],
                    headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})
