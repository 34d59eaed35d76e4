"""Link an account and pay a bill on the web chat page, in real Chromium, against the backend."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.helpers.server import LiveServer
from tests.helpers.webchat_page import bot_bubbles, say

pytestmark = pytest.mark.browser


def test_link_and_pay_on_the_page(system: LiveServer, page: Page) -> None:
    bot = bot_bubbles(page)
    page.goto(system.url + "/")
    expect(bot.first).to_contain_text("Hello! I am Msaidizi", timeout=20_000)
    say(page, "English please")
    say(page, "status of PP-2025-000123")
    expect(bot.last).to_contain_text("Data Protection Act")
    bot.last.locator(".choices button", has_text="Yes, I agree").click()
    expect(bot.last).to_contain_text("ID number or the phone number")
    say(page, "12345678")
    expect(bot.last).to_contain_text("6-digit code")
    sent = httpx.get(f"{system.url}/backend/dev/outbox", params={"to": "254712345678"}).json()
    say(page, re.search(r"\b(\d{6})\b", sent[0]["text"]).group(1))
    expect(bot.filter(has_text="PP-2025-000123").last).to_be_visible()
    say(page, "I want to pay")
    expect(bot.last).to_contain_text("GC-2025-000456")
    bot.last.locator(".choices button", has_text="Pay with M-Pesa now").click()
    expect(bot.last).to_contain_text("Check your phone")
    # the result arrives later, pushed live over the web socket (or the polling fallback)
    expect(bot.filter(has_text="Payment received")).to_be_visible(
        timeout=30_000)
