"""After a citizen links, asks a status, pays, reports and talks to a person, no database holds
the one-time code, a token, or the ID number unmasked (outside the citizen's own record)."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import httpx

from tests.helpers.server import LiveServer

ID_NUMBER = "12345678"


def send(http: httpx.Client, text: str = "", choice: str | None = None) -> str:
    """Send one message; return the replies to it."""
    response = http.post("/webchat/send", json={"text": text, "choice": choice,
                                                 "after": _last.get(id(http), 0)})
    response.raise_for_status()
    messages = response.json()["messages"]
    if messages:
        _last[id(http)] = messages[-1]["seq"]
    return "\n".join(str(m.get("text")) for m in messages if m["direction"] == "out")


_last: dict[int, int] = {}


def dump(database: Path, skip: tuple[str, ...] = ()) -> str:
    """Every row of every table as text (SQLite reads the WAL too)."""
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [repr(row) for table in tables if table not in skip
                for row in db.execute(f'SELECT * FROM "{table}"')]
    return "\n".join(rows)


def test_a_full_visit_leaves_no_code_token_or_id_number_at_rest(
    system: LiveServer, tmp_path: Path
) -> None:
    with httpx.Client(base_url=system.url, timeout=30) as http:
        http.post("/webchat/session")
        send(http, "Hello there")
        send(http, "English please")
        send(http, "status of PP-2025-000123")
        send(http, "Yes, I agree", "link_account:agree")
        send(http, ID_NUMBER)
        sms = http.get("/backend/dev/outbox", params={"to": "254712345678"}).json()[0]["text"]
        code = re.search(r"\b(\d{6})\b", sms)
        assert code, sms
        assert "PP-2025-000123" in send(http, code.group(1))  # linked, then the status
        send(http, "I want to pay")
        send(http, "", "start_payment:confirm")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "Payment received" not in str(
                http.get("/webchat/messages").json()):
            time.sleep(0.3)
        send(http, "", "report_security_incident")
        send(http, "", "report_security_incident:phishing")
        send(http, f"Someone called me from 0722 000 111 asking for ID {ID_NUMBER} and my code")
        send(http, "today")
        send(http, "", "report_security_incident:skip")
        send(http, "", "report_security_incident:named")
        send(http, "", "report_security_incident:send")
        assert "T-" in send(http, "I want to talk to a person")
    bot = dump(tmp_path / "var" / "bot.db")
    backend = dump(tmp_path / "backend.db", skip=("citizens",))  # the system of record
    for where, text in (("assistant", bot), ("backend", backend)):
        for secret, what in ((code.group(1), "the one-time code"), (ID_NUMBER, "the ID number")):
            found = re.search(rf"(?<!\d){secret}(?!\d)", text)  # not inside a phone number
            assert found is None, f"{what} is stored in the {where} database: " + text[
                max(found.start() - 80, 0):found.end() + 40] if found else ""
        assert "msz_" not in text, f"a citizen token is stored in the {where} database"
    # The scammer's number the citizen reported reaches the security team (the report needs
    # it); the assistant's own record keeps it masked.
    assert "0722000111" not in bot.replace(" ", "") and "0722 000 111" not in bot
    assert "******78" in bot  # the ID number the citizen typed is kept masked
