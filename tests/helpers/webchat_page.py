"""Drive the web chat page in Playwright: type a message, find the bot's bubbles, wait for a turn."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# The typing indicator is drawn as an outgoing bubble too (`.msg.out.typing`); it is not a message.
BOT_BUBBLES = ".msg.out:not(.typing) .bubble"


def say(page: Page, text: str) -> None:
    """Type `text` into the message box and send it with Enter."""
    page.fill("#text", text)
    page.press("#text", "Enter")


def bot_bubbles(page: Page) -> Locator:
    """Return the bot's message bubbles, without the typing indicator."""
    return page.locator(BOT_BUBBLES)


def wait_until_idle(page: Page, timeout: float = 15_000) -> None:
    """Wait until no message is in flight: the page shows no typing indicator.

    A reply can arrive over the web socket before the page's own request returns, so a reply
    being visible does not yet mean the turn is over.
    """
    expect(page.locator("#typing")).to_have_count(0, timeout=timeout)


def web_sender(data_dir: Path, token: str) -> str:
    """Return the sender id behind a web chat session cookie (tests read the database)."""
    import hashlib
    import sqlite3

    with sqlite3.connect(data_dir / "bot.db") as db:
        row = db.execute("SELECT sender_id FROM bot_web_sessions WHERE token_hash = ?",
                         (hashlib.sha256(token.encode()).hexdigest(),)).fetchone()
    assert row, "no web session for that cookie"
    return str(row[0])
