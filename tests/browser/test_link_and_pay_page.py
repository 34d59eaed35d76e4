"""Link an account and pay a bill on the web chat page, in real Chromium, against the backend."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.helpers.server import LiveServer

pytestmark = pytest.mark.browser


def ask(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def test_link_and_pay_on_the_page(system: LiveServer, page: Page) -> None:
    bot = page.locator(".msg.out .bubble")
    page.goto(system.url + "/")
    expect(bot.first).to_contain_text("Hello! I am Msaidizi", timeout=20_000)
    ask(page, "English please")
    ask(page, "status of PP-2025-000123")
    expect(bot.last).to_contain_text("Data Protection Act")
    bot.last.locator(".choices button", has_text="Yes, I agree").click()
    expect(bot.last).to_contain_text("ID number or the phone number")
    ask(page, "12345678")
    expect(bot.last).to_contain_text("6-digit code")
    sent = httpx.get(f"{system.url}/backend/dev/outbox", params={"to": "254712345678"}).json()
    ask(page, re.search(r"\b(\d{6})\b", sent[0]["text"]).group(1))
    expect(page.locator(".msg.out .bubble", has_text="PP-2025-000123").last).to_be_visible()
    ask(page, "I want to pay")
    expect(bot.last).to_contain_text("GC-2025-000456")
    bot.last.locator(".choices button", has_text="Pay with M-Pesa now").click()
    expect(bot.last).to_contain_text("Check your phone")
    # the result arrives later, pushed live over the web socket (or the polling fallback)
    expect(page.locator(".msg.out .bubble", has_text="Payment received")).to_be_visible(
        timeout=30_000)
