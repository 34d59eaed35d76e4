"""Every HTML page the server sends carries the security headers: no inline script, no frames."""

from __future__ import annotations

import re

import httpx

from tests.helpers.server import LiveServer

PAGES = ["/", "/backend/console", "/backend/dev/outbox/page", "/backend/dev/card/1",
         "/backend/receipts/XYZ?exp=1&sig=forged", "/docs", "/backend/docs", "/console"]


def _html_pages(http: httpx.Client) -> list[str]:
    """The fixed pages, and every parameterless GET of both API schemas that answers HTML."""
    found = list(PAGES)
    for spec, prefix in (("/openapi.json", ""), ("/backend/openapi.json", "/backend")):
        for path, methods in http.get(spec).json()["paths"].items():
            if "get" in methods and "{" not in path:
                found.append(prefix + path)
    return found


def test_every_html_response_has_the_security_headers(system: LiveServer) -> None:
    checked, redirected = 0, False
    with httpx.Client(base_url=system.url, timeout=30, follow_redirects=True) as http:
        for path in _html_pages(http):
            response = http.get(path)
            assert response.status_code < 500, path
            if path == "/console":  # the short address leads to the agent console
                assert [r.status_code for r in response.history] == [307]
                assert response.status_code == 200
                assert str(response.url) == f"{system.url}/backend/console"
                redirected = True
            assert response.headers.get("x-content-type-options") == "nosniff", path
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            checked += 1
            policy = response.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in policy, path
            script = re.search(r"script-src ([^;]*)", policy)
            assert script is not None, path
            if not path.endswith("/docs"):  # FastAPI's API explorer, development only
                assert "unsafe-inline" not in script.group(1), path
            assert response.headers.get("x-frame-options") == "DENY", path
            assert response.headers.get("referrer-policy") == "no-referrer", path
            assert "<script>" not in response.text or path.endswith("/docs"), path
    assert checked >= 6 and redirected
