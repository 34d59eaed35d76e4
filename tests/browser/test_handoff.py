"""Citizen in the web chat <-> agent in the console, two real Chromium contexts.

The whole system runs as `msaidizi serve` does (assistant + backend on one port, demo data
and demo agents seeded): a citizen asks for a person, the demo agent signs in, claims the
ticket, they exchange messages live both ways (markup stays text on both sides), the agent
closes it with a summary, the citizen gets the rating prompt and the bot answers FAQs again.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers.server import LiveServer
from tests.helpers.webchat_page import bot_bubbles, say, web_sender

BOT_SIDE = importlib.util.find_spec("bot.clients.escalation_http") is not None
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not BOT_SIDE, reason="the assistant's side of the handoff "
                       "(bot/clients/escalation_http.py and its flow) is not there yet"),
]

AGENT_EMAIL, AGENT_PASSWORD = "agent@example.go.ke", "demo-agent-2025"  # docs/escalation.md
MARKUP = '<b>bold</b><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
LIVE = 20_000  # ms: events reach the chat through the assistant's outbox poller


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
    citizen = browser.new_context(viewport={"width": 400, "height": 800}, locale="en-US")
    agent = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    yield citizen.new_page(), agent.new_page()
    citizen.close()
    agent.close()


def _ask_for_a_person(system: LiveServer, citizen: Page, agent: Page) -> str:
    """Sign the demo agent in (not accepting), have the citizen ask for a person; the ticket."""
    # the agent signs in first and stops auto-assignment, so claiming is their choice
    agent.goto(system.url + "/backend/console")
    agent.fill("#email", AGENT_EMAIL)
    agent.fill("#password", AGENT_PASSWORD)
    agent.click("#signin-button")
    expect(agent.locator("#agent-name")).to_have_text("Achieng Odhiambo", timeout=15_000)
    agent.uncheck("#accepting")

    citizen.goto(system.url + "/")
    expect(bot_bubbles(citizen).first).to_be_visible(timeout=15_000)
    say(citizen, "I want to talk to a person")
    expect(bot_bubbles(citizen).last).to_contain_text("T-", timeout=LIVE)
    found = re.search(r"T-\d{6}", bot_bubbles(citizen).last.inner_text())
    assert found, bot_bubbles(citizen).last.inner_text()
    return found.group(0)


def test_citizen_and_agent_talk_live_then_the_bot_resumes(
    system: LiveServer, pages: tuple[Page, Page], artifacts: Path, tmp_path: Path
) -> None:
    citizen, agent = pages
    number = _ask_for_a_person(system, citizen, agent)

    row = agent.locator("#queue-list li", has_text=number)
    expect(row).to_be_visible(timeout=LIVE)
    row.click()
    expect(agent.locator("#messages li.citizen").last).to_contain_text("talk to a person")
    agent.click("#claim")
    expect(agent.locator("#t-status")).to_have_text("open")
    expect(bot_bubbles(citizen).last).to_contain_text("Achieng", timeout=LIVE)  # who it is

    # the citizen sees the agent writing before the words arrive
    agent.locator("#reply-text").press_sequentially("Hello, I am Achieng.", delay=20)
    expect(citizen.locator("#status")).to_have_text("Achieng is typing…", timeout=LIVE)
    agent.fill("#reply-text", "Hello, I am Achieng. How can I help? " + MARKUP)
    agent.click("#send-reply")
    expect(bot_bubbles(citizen).last).to_contain_text("How can I help?", timeout=LIVE)
    expect(bot_bubbles(citizen).last).to_contain_text("<script>window.__pwned=2</script>")

    say(citizen, "My passport application is late " + MARKUP)
    expect(agent.locator("#messages li.citizen").last).to_contain_text(
        "My passport application is late <b>bold</b>", timeout=LIVE)
    agent.fill("#reply-text", "It is being printed; collect it on Friday.")
    agent.click("#send-reply")
    expect(bot_bubbles(citizen).last).to_contain_text("collect it on Friday", timeout=LIVE)

    agent.fill("#resolve-summary", "Passport is being printed; collect on Friday at Nyayo House.")
    agent.click("#resolve")
    expect(agent.locator("#t-status")).to_have_text("resolved")
    expect(bot_bubbles(citizen).filter(has_text="Nyayo House")).to_be_visible(
        timeout=LIVE)
    rating = citizen.locator(".msg.out .choices button", has_text="5").last
    expect(rating).to_be_visible(timeout=LIVE)
    citizen.screenshot(path=str(artifacts / "handoff-citizen.png"))
    agent.screenshot(path=str(artifacts / "handoff-agent.png"))
    rating.click()

    say(citizen, "how much is a passport")
    expect(bot_bubbles(citizen).last).to_contain_text("passport", timeout=LIVE)
    assert citizen.evaluate("window.__pwned") is None
    assert agent.evaluate("window.__pwned") is None
    assert citizen.locator(".msg .bubble img, .msg .bubble script").count() == 0
    assert agent.locator("#messages img, #messages script").count() == 0

    with httpx.Client(base_url=system.url + "/backend",
                      headers={"X-Service-Key": "dev-service-key"}) as api:
        token = next(c["value"] for c in citizen.context.cookies() if c["name"] == "msz_chat")
        sender = web_sender(tmp_path / "var", token)  # the page itself never knows it
        status = api.get(f"/api/v1/tickets/{number}",
                         params={"conversation_id": f"webchat:{sender}"})
        assert status.status_code == 200, status.text
        assert (status.json()["status"], status.json()["rating"]) == ("resolved", 5)


def test_citizen_ends_the_chat_and_the_agent_is_told(
    system: LiveServer, pages: tuple[Page, Page]
) -> None:
    """The citizen leaves mid-handoff: the ticket closes with a note the agent sees."""
    citizen, agent = pages
    agent.locator("#queue-list li", has_text=_ask_for_a_person(system, citizen, agent)).click()
    agent.click("#claim")
    expect(bot_bubbles(citizen).last).to_contain_text("Achieng", timeout=LIVE)

    say(citizen, "end chat")
    expect(agent.locator("#t-status")).to_have_text("cancelled", timeout=LIVE)
    expect(agent.locator("#messages")).to_contain_text("The citizen ended the chat")
    before = bot_bubbles(citizen).count()

    # the agent can no longer write into the citizen's chat (the assistant has it again)
    expect(agent.locator("#send-reply")).to_be_disabled()
    say(citizen, "how much is a passport")
    expect(bot_bubbles(citizen).last).to_contain_text("passport", timeout=LIVE)
    assert bot_bubbles(citizen).count() > before
