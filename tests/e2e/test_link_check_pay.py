"""End to end over real HTTP: web chat API -> assistant -> backend -> M-Pesa simulator -> push."""

from __future__ import annotations

import re
import time

import httpx

from tests.helpers.server import LiveServer


def send(http: httpx.Client, after: int, text: str = "", choice: str | None = None) -> list[dict]:
    response = http.post("/webchat/send", json={"text": text, "choice": choice, "after": after})
    response.raise_for_status()
    return [m for m in response.json()["messages"] if m["direction"] == "out"]


def test_link_check_and_pay_through_the_web_chat(system: LiveServer) -> None:
    with httpx.Client(base_url=system.url, timeout=30) as http:
        http.post("/webchat/session")  # the page's session cookie
        out = send(http, 0, "status of PP-2025-000123")
        assert any(c["payload"] == "link_account:agree" for c in out[-1]["choices"])
        out = send(http, out[-1]["seq"], "Yes, I agree", "link_account:agree")
        out = send(http, out[-1]["seq"], "12345678")
        outbox = http.get("/backend/dev/outbox", params={"to": "254712345678"}).json()
        code = re.search(r"\b(\d{6})\b", outbox[0]["text"]).group(1)
        out = send(http, out[-1]["seq"], code)
        joined = "\n".join(m["text"] for m in out)
        assert "Wanjiru" in joined and "PP-2025-000123" in joined  # linked, then the status
        out = send(http, out[-1]["seq"], "I want to pay")
        assert "GC-2025-000456" in out[-1]["text"]
        out = send(http, out[-1]["seq"], "", "start_payment:confirm")
        after = out[-1]["seq"]
        deadline = time.monotonic() + 30
        pushed: list[dict] = []
        while time.monotonic() < deadline and not pushed:
            polled = http.get("/webchat/messages", params={"after": after})
            pushed = [m for m in polled.json()["messages"]
                      if "GC-2025-000456" in m["text"] and re.search(r"SJK|[A-Z0-9]{10}", m["text"])]
            time.sleep(0.3)
        assert pushed, "the payment result never reached the chat"
        assert "1,050" in pushed[0]["text"]
