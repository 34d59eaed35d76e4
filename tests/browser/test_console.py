"""The agent console in real Chromium: sign in, queue, claim, reply, note, reveal, close."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from backend.config import BackendSettings
from backend.core.db import Base, make_engine
from backend.main import create_app
from backend.models import load_all_models
from common.timezone import utcnow
from escalation.domain import AgentRole
from escalation.models import Agent
from escalation.runtime import Escalation
from tests.escalation.helpers import TEST_SETTINGS
from tests.helpers.server import LiveServer, free_port

pytestmark = pytest.mark.browser

SERVICE = {"X-Service-Key": "dev-service-key"}
PASSWORD = "console test passphrase"
XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'


@dataclass
class Site:
    url: str
    app: Any
    api: httpx.Client

    def add_agent(self, email: str, name: str, role: AgentRole, accepting: bool = True) -> None:
        runtime: Escalation = self.app.state.escalation
        with self.app.state.container.session_factory() as session:
            session.add(Agent(email=email, name=name, display_name=name.split()[0], role=role,
                              languages="en sw", categories="general payment account application",
                              max_open=4, password_hash=runtime.passwords.hash(PASSWORD),
                              active=True, accepting=accepting, created_at=utcnow()))
            session.commit()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'console.db'}"
    engine = make_engine(url)
    load_all_models()
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app(BackendSettings(database_url=url, public_url=f"http://127.0.0.1:{port}"))
    old = app.state.escalation
    app.state.escalation = Escalation(settings=TEST_SETTINGS, clock=old.clock)
    with LiveServer(app, port=port) as live, httpx.Client(base_url=live.url, headers=SERVICE,
                                                          timeout=30) as api:
        yield Site(live.url, app, api)


def sign_in(page: Page, site: Site, email: str) -> None:
    page.goto(site.url + "/console")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#signin-button")
    expect(page.locator("#agent-name")).to_be_visible(timeout=15_000)


def test_console_agent_handles_a_ticket(browser: Browser, site: Site, artifacts: Path) -> None:
    site.add_agent("achieng@example.go.ke", "Achieng Odhiambo", AgentRole.AGENT, accepting=False)
    site.add_agent("grace@example.go.ke", "Grace Wambui", AgentRole.SUPERVISOR)
    cid = "webchat:" + uuid.uuid4().hex[:8]
    created = site.api.post("/api/v1/tickets", headers={"Idempotency-Key": "k"}, json={
        "conversation_id": cid, "channel": "webchat", "language": "en", "category": "payment",
        "reason": "payment_failed", "summary": "M-Pesa payment failed twice",
        "transcript": [
            {"role": "citizen", "text": "My phone is 0712 345 678 and it failed"},
            {"role": "bot", "text": "Sorry, the payment did not go through."},
            {"role": "citizen", "text": XSS},
        ]})
    assert created.status_code == 201, created.text
    number = created.json()["number"]

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    sign_in(page, site, "achieng@example.go.ke")

    row = page.locator("#queue-list li", has_text=number)
    expect(row).to_be_visible()
    expect(row).to_contain_text("payment")
    row.click()
    messages = page.locator("#messages li")
    expect(page.locator("#t-number")).to_have_text(number)
    expect(messages.first).to_contain_text("0712***678")
    expect(messages.first).not_to_contain_text("0712 345 678")
    expect(messages.nth(2)).to_contain_text("<img src=x onerror=")   # markup shown as text
    assert page.locator("#messages img, #messages script, #messages b").count() == 0
    assert page.evaluate("window.__pwned") is None

    messages.first.locator("button.reveal").click()
    expect(messages.first).to_contain_text("0712 345 678")

    page.click("#claim")
    expect(page.locator("#t-status")).to_have_text("open")
    expect(page.locator("#t-agent")).to_contain_text("Achieng Odhiambo")

    page.select_option("#canned", label="Greeting")
    expect(page.locator("#reply-text")).to_have_value(
        "Hello, my name is Achieng, from eCitizen support. I have read your conversation with "
        "Msaidizi, so you do not need to repeat yourself. How can I help?")
    page.click("#send-reply")
    expect(page.locator("#messages li.agent")).to_contain_text("Hello, my name is Achieng")
    page.fill("#reply-text", "Payment reversal takes 24 hours " + XSS)
    page.click("#add-note")
    expect(page.locator("#messages li.note")).to_contain_text("internal note")
    expect(page.locator("#messages li.note")).to_contain_text("<script>window.__pwned=2")

    # the citizen writes: the message appears live, in order, without a reload
    site.api.post(f"/api/v1/tickets/{number}/messages", json={
        "conversation_id": cid, "text": "Thank you, I will wait", "client_message_id": "c1"})
    expect(page.locator("#messages li.citizen").last).to_contain_text("Thank you, I will wait")
    seqs = [int(s) for s in page.eval_on_selector_all(
        "#messages li", "items => items.map(i => i.dataset.seq)")]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))

    page.fill("#resolve-summary", "Your payment was reversed; please pay again from the app.")
    page.click("#resolve")
    expect(page.locator("#t-status")).to_have_text("resolved")
    expect(page.locator("#t-resolution")).to_contain_text("Your payment was reversed")
    page.eval_on_selector("#ticket-pane", "pane => { pane.scrollTop = 0; }")
    page.screenshot(path=str(artifacts / "console-agent.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None and page_errors == []

    events = site.api.get("/api/v1/service/events").json()["events"]
    kinds = [e["type"] for e in events if e["type"].startswith("ticket.")]
    assert "ticket.agent_typing" in kinds  # writing in the composer told the citizen
    assert [k for k in kinds if k != "ticket.agent_typing"] == [
        "ticket.assigned", "ticket.agent_message", "ticket.resolved"]
    assert all(e["payload"]["conversation_id"] == cid for e in events)

    # the supervisor sees the reveal, who made it and on which ticket
    boss = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(boss, site, "grace@example.go.ke")
    boss.click("#show-supervisor")
    reveal_row = boss.locator("#sv-reveals tbody tr").first
    expect(reveal_row).to_contain_text("Achieng Odhiambo")
    expect(reveal_row).to_contain_text(number)
    expect(reveal_row).to_contain_text("phone")
    expect(boss.locator("#sv-reveal-integrity")).to_have_text("log intact")
    expect(boss.locator("#accepting-label")).to_be_hidden()  # supervisors are not routed to
    boss.screenshot(path=str(artifacts / "console-supervisor.png"), full_page=True)

    page.click("#sign-out")
    expect(page.locator("#signin-form")).to_be_visible()
    boss.context.close()
    context.close()


def test_console_wrong_password_shows_an_error(browser: Browser, site: Site) -> None:
    site.add_agent("brian@example.go.ke", "Brian Kiprop", AgentRole.AGENT)
    page = browser.new_page()
    page.goto(site.url + "/console")
    page.fill("#email", "brian@example.go.ke")
    page.fill("#password", "not the password")
    page.click("#signin-button")
    expect(page.locator("#signin-error")).to_contain_text("wrong")
    expect(page.locator("#app")).to_be_hidden()
    page.close()


def test_console_sign_in_waits_for_a_slow_form_token(browser: Browser, site: Site) -> None:
    """On a slow line the agent may press Sign in before the form's token has arrived."""
    site.add_agent("grace@example.go.ke", "Grace Atieno", AgentRole.AGENT)
    page = browser.new_page()
    held: list[Any] = []
    page.route("**/console/api/csrf", lambda route: held.append(route))
    page.goto(site.url + "/console")
    page.fill("#email", "grace@example.go.ke")
    page.fill("#password", PASSWORD)
    page.click("#signin-button")
    page.wait_for_timeout(300)
    assert held, "the page asked for no sign-in token"
    for route in held:
        route.continue_()
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#signin-error")).to_have_text("")
    page.close()


def test_console_sign_in_renews_a_lapsed_form_token(browser: Browser, site: Site) -> None:
    """A sign-in page left open past the token's hour still signs in on the first press."""
    site.add_agent("hassan@example.go.ke", "Hassan Omar", AgentRole.AGENT)
    context = browser.new_context()
    page = context.new_page()
    with page.expect_response("**/console/api/csrf"):
        page.goto(site.url + "/console")
    context.clear_cookies()
    page.fill("#email", "hassan@example.go.ke")
    page.fill("#password", PASSWORD)
    page.click("#signin-button")
    expect(page.locator("#app")).to_be_visible()
    context.close()


def test_console_editor_adds_a_swahili_canned_reply(browser: Browser, site: Site) -> None:
    site.add_agent("daniel@example.go.ke", "Daniel Mutua", AgentRole.EDITOR)
    page = browser.new_page()
    sign_in(page, site, "daniel@example.go.ke")
    expect(page.locator("#canned-pane")).to_be_visible()
    expect(page.locator("#show-queue")).to_be_hidden()
    expect(page.locator("#canned-list tbody tr", has_text="Salamu")).to_be_visible()
    page.fill("#canned-title", "Asante " + XSS)
    page.select_option("#canned-language", "sw")
    page.fill("#canned-text", "Asante kwa subira yako, {agent} yuko nawe.")
    page.click("#canned-add")
    row = page.locator("#canned-list tbody tr", has_text="Asante kwa subira")
    expect(row).to_contain_text("<script>window.__pwned=2</script>")
    expect(row).to_contain_text("custom")
    assert page.evaluate("window.__pwned") is None
    page.close()


def test_a_keyboard_only_agent_takes_and_answers_a_ticket(browser: Browser, site: Site) -> None:
    site.add_agent("kibet@example.go.ke", "Kibet Rono", AgentRole.AGENT, accepting=False)
    cid = "webchat:" + uuid.uuid4().hex[:8]
    created = site.api.post("/api/v1/tickets", headers={"Idempotency-Key": uuid.uuid4().hex},
                            json={"conversation_id": cid, "channel": "webchat", "language": "en",
                                  "category": "general", "reason": "explicit",
                                  "summary": "Passport delay", "transcript": [
                                      {"role": "citizen", "text": "my passport is late"}]})
    number = created.json()["number"]
    for n in range(30):  # a long conversation: the reply box must stay in view
        site.api.post(f"/api/v1/tickets/{number}/messages", json={
            "conversation_id": cid, "text": f"more detail, part {n}", "client_message_id": str(n)})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, site, "kibet@example.go.ke")
    expect(page).to_have_title(re.compile(r"^\(\d+\) "))  # waiting tickets counted in the tab
    ticket = page.locator("#queue-list button.ticket", has_text=number)
    expect(ticket).to_be_visible()
    for _ in range(40):  # Tab through the page, as a keyboard user does, to the ticket
        page.keyboard.press("Tab")
        if ticket.evaluate("button => button === document.activeElement"):
            break
    else:
        raise AssertionError("the ticket cannot be reached with Tab")
    page.wait_for_timeout(3_500)  # the queue is redrawn meanwhile: focus must stay
    assert ticket.evaluate("button => button === document.activeElement")
    page.keyboard.press("Enter")
    expect(page.locator("#t-number")).to_have_text(number)
    expect(ticket).to_have_attribute("aria-current", "true")
    page.focus("#claim")
    page.keyboard.press("Enter")
    expect(page.locator("#t-status")).to_have_text("open")
    expect(page.locator("#messages li", has_text="part 29")).to_be_visible()
    page.eval_on_selector("#ticket-pane", "pane => { pane.scrollTop = 0; }")
    expect(page.locator("#reply-text")).to_be_in_viewport()
    page.focus("#reply-text")
    page.keyboard.type("Hello, I am checking your passport now.")
    page.focus("#send-reply")
    page.keyboard.press("Enter")
    expect(page.locator("#messages li.agent")).to_contain_text("checking your passport")
    context.close()


def test_console_and_supervisor_views_have_no_serious_accessibility_findings(
    browser: Browser, site: Site,
) -> None:
    from tests.helpers.axe import serious_findings

    site.add_agent("wanjiku@example.go.ke", "Wanjiku Mwangi", AgentRole.SUPERVISOR)
    created = site.api.post("/api/v1/tickets", headers={"Idempotency-Key": uuid.uuid4().hex},
                            json={"conversation_id": "webchat:axe1", "channel": "webchat",
                                  "language": "sw", "category": "general", "reason": "explicit",
                                  "summary": "Pasipoti", "transcript": [
                                      {"role": "citizen", "text": "pasipoti yangu imechelewa"}]})
    number = created.json()["number"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(site.url + "/console")
    expect(page.locator("#signin-form")).to_be_visible()
    assert serious_findings(page) == []  # the sign-in form
    sign_in(page, site, "wanjiku@example.go.ke")
    page.locator("#queue-list button.ticket", has_text=number).click()
    expect(page.locator("#t-number")).to_have_text(number)
    assert serious_findings(page) == []  # the queue with a ticket open
    page.click("#show-supervisor")
    expect(page.locator("#sv-queues tbody tr").first).to_be_visible()
    assert serious_findings(page) == []
    context.close()


RECORDING_AUDIO = """
window.__tones = [];
window.AudioContext = function () {
  var node = function () { return {connect: function () {}, gain: {
    setValueAtTime: function () {}, exponentialRampToValueAtTime: function () {}}}; };
  return {currentTime: 0, destination: {}, createGain: node, createOscillator: function () {
    var tone = node(); tone.frequency = {};
    tone.start = function () { window.__tones.push(tone.frequency.value); };
    tone.stop = function () {}; return tone; }};
};
"""


def test_a_new_ticket_is_announced_by_title_and_chime(browser: Browser, site: Site) -> None:
    site.add_agent("njeri@example.go.ke", "Njeri Kamau", AgentRole.AGENT, accepting=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORDING_AUDIO)  # hear what the page plays
    page = context.new_page()
    sign_in(page, site, "njeri@example.go.ke")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__tones") == []  # nothing new yet: silence
    created = site.api.post("/api/v1/tickets", headers={"Idempotency-Key": uuid.uuid4().hex},
                            json={"conversation_id": "webchat:chime1", "channel": "webchat",
                                  "language": "en", "category": "general", "reason": "explicit",
                                  "summary": "help", "transcript": [
                                      {"role": "citizen", "text": "help please"}]})
    assert created.status_code == 201
    expect(page.locator("#queue-list button.ticket")).to_have_count(1, timeout=10_000)
    expect(page).to_have_title(re.compile(r"^\(1\) "))
    page.wait_for_function("window.__tones.length >= 2", timeout=5_000)
    assert page.evaluate("window.__tones") == [660, 880]
    context.close()
