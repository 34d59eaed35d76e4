"""The web chat page in real Chromium: bilingual answers, did-you-mean taps, history on reload."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.app import build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.helpers.server import LiveServer
from tests.helpers.webchat_page import bot_bubbles, say, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def server(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge) -> Iterator[LiveServer]:
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge)
    with LiveServer(create_bot_app(runtime)) as live:
        yield live


def test_webchat_bilingual_answers_did_you_mean_and_reload(
    server: LiveServer, page: Page, artifacts: Path
) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Hello! I am Msaidizi", timeout=15_000)

    say(page, "how much is a passport")
    expect(bot_bubbles(page).last).to_contain_text("34-page ordinary passport")
    expect(bot_bubbles(page).last).to_contain_text("last reviewed")

    say(page, "pasipoti ni pesa ngapi")
    expect(bot_bubbles(page).last).to_contain_text("Pasipoti ya kawaida ya kurasa 34")
    expect(page.locator("#lang")).to_have_text("English")  # the page follows the conversation

    say(page, "password ya pasipoti")  # two topics at once: the assistant asks
    expect(bot_bubbles(page).last).to_contain_text("Ulimaanisha")
    bot_bubbles(page).last.locator(".choices button").first.click()
    expect(bot_bubbles(page).last).to_contain_text("Kwenye ukurasa wa kuingia wa eCitizen")

    wait_until_idle(page)
    before = bot_bubbles(page).count()
    say(page, "<b>bold</b><img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>")
    expect(page.locator(".msg.in .bubble").last).to_contain_text("<b>bold</b><img src=x")
    expect(bot_bubbles(page)).to_have_count(before + 1)  # its answer is in before reloading
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".msg.in .bubble img").count() == 0

    wait_until_idle(page)
    count = bot_bubbles(page).count()
    page.screenshot(path=str(artifacts / "webchat-360.png"), full_page=False)
    page.reload()
    expect(bot_bubbles(page)).to_have_count(count, timeout=15_000)
    expect(page.locator(".msg.in .bubble").first).to_contain_text("how much is a passport")


def test_a_number_typed_under_the_welcome_picks_its_option(server: LiveServer,
                                                            page: Page) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Hello! I am Msaidizi", timeout=15_000)
    options = bot_bubbles(page).first.locator(".choices button")
    expect(options.nth(1)).to_be_enabled()
    expect(options.nth(1)).to_contain_text("Make a payment")
    say(page, "2")  # the server has stored nothing yet: the page sends the option itself
    expect(page.locator(".msg.in .bubble").last).to_contain_text("Make a payment")
    expect(bot_bubbles(page)).to_have_count(2, timeout=15_000)
    expect(bot_bubbles(page).last).not_to_contain_text("no list of options")


def test_webchat_language_toggle_switches_replies(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Hello! I am Msaidizi", timeout=15_000)
    page.click("#lang")
    expect(bot_bubbles(page).last).to_contain_text("nitakujibu kwa Kiswahili")
    expect(page.locator("#lang")).to_have_text("English")


def test_webchat_first_load_size_is_small(server: LiveServer, page: Page) -> None:
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.request.resource_type
            in ("document", "script", "stylesheet", "image", "font") else None)
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    assert sum(sizes) < 100_000


def test_end_session_leaves_nothing_on_screen_or_in_storage(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Hello! I am Msaidizi", timeout=15_000)
    say(page, "my ID is 12345678, how much is a passport")
    wait_until_idle(page)
    # what the page shows after a reload is what the server kept: the ID number masked
    page.reload()
    expect(page.locator(".msg.in .bubble").first).to_contain_text("******78", timeout=15_000)
    expect(page.locator(".msg.in .bubble").first).not_to_contain_text("12345678")
    old_cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "msz_chat")
    page.evaluate("localStorage.setItem('msaidizi.draft', 'x'); sessionStorage.setItem('y', 'z')")

    page.click("#end")
    expect(page.locator(".notice")).to_contain_text("Session ended", timeout=15_000)
    assert page.locator(".msg").count() == 0
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    page.wait_for_load_state()
    expect(bot_bubbles(page).first).to_contain_text("Hello! I am Msaidizi", timeout=15_000)
    assert page.locator(".msg.in").count() == 0  # a new session: the old chat is not shown
    new_cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "msz_chat")
    assert new_cookie != old_cookie
    stranger = page.request.get(server.url + "/webchat/history",
                                headers={"Cookie": f"msz_chat={old_cookie}"})
    assert stranger.status == 401  # the old cookie opens nothing any more


def test_the_socket_reconnects_with_growing_jittered_delays_and_never_gives_up(
    server: LiveServer, page: Page,
) -> None:
    import itertools
    import time

    from playwright.sync_api import WebSocketRoute

    attempts: list[float] = []

    def refuse(socket: WebSocketRoute) -> None:  # a server that is restarting
        attempts.append(time.monotonic())
        socket.close()

    page.add_init_script("Math.random = function () { return 0.5; };")  # the jitter's midpoint
    page.route_web_socket(re.compile(r"/webchat/ws"), refuse)
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    deadline = time.monotonic() + 20
    while len(attempts) < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    gaps = [round(b - a, 1) for a, b in itertools.pairwise(attempts)]
    # 0.5 s + half of 1, 2, 4 s: spread out, growing, and still trying after a refusal
    assert len(gaps) >= 3, gaps
    for gap, expected in zip(gaps, [1.0, 1.5, 2.5], strict=False):
        assert expected - 0.3 <= gap <= expected + 0.6, gaps


def test_messages_written_during_a_minute_long_outage_are_kept_and_sent_once_when_back(
    server: LiveServer, page: Page,
) -> None:
    from playwright.sync_api import Route

    outage = {"on": False}
    answered: list[str] = []

    def network(route: Route) -> None:
        if outage["on"]:
            route.abort("internetdisconnected")
            return
        answered.append(json.loads(route.request.post_data or "{}").get("text", ""))
        route.continue_()

    page.clock.install()  # the page's timers run on a clock the test can move a minute on
    page.route("**/webchat/send", network)
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Msaidizi", timeout=15_000)
    wait_until_idle(page)
    outage["on"] = True
    questions = ["How much is a passport?", "Where do I pay with M-Pesa?", "good conduct cost"]
    for question in questions:
        say(page, question)
    unsent = page.locator(".msg.in.unsent")
    expect(unsent).to_have_count(3, timeout=10_000)
    expect(unsent.first).to_contain_text("Not sent yet")
    page.clock.run_for(60_000)  # a minute of retries that all fail
    expect(page.locator("#status")).to_have_text("Reconnecting…")
    page.reload()  # a reload during the outage keeps what was written, in order
    expect(page.locator(".msg.in.unsent")).to_have_count(3, timeout=15_000)
    assert page.locator(".msg.in.unsent .bubble").all_inner_texts()[0].startswith(questions[0])
    page.clock.run_for(30_000)
    expect(page.locator(".msg.in.unsent")).to_have_count(3)
    outage["on"] = False  # the network is back; no 'online' event: the page's retry finds it
    page.clock.run_for(31_000)  # longer than the longest back-off
    expect(page.locator(".msg.in.unsent")).to_have_count(0, timeout=20_000)
    wait_until_idle(page)
    for question in questions:  # each shown once, each answered once
        assert page.locator(".msg.in", has_text=question).count() == 1
    assert [q for q in answered if q in questions] == questions
    assert page.evaluate("sessionStorage.getItem('msaidizi.unsent')") == "[]"
    expect(bot_bubbles(page).last).not_to_contain_text("Sorry, something went wrong")


@pytest.fixture
def real_knowledge_server(bot_settings: BotSettings) -> Iterator[LiveServer]:
    """The page over the shipped knowledge, whose answers are as long as citizens see them."""
    repository = Path(__file__).resolve().parents[2]
    runtime = build_runtime(bot_settings, migrate=False,
                            knowledge=LiveKnowledge(repository / "knowledge"))
    with LiveServer(create_bot_app(runtime)) as live:
        yield live


def _scroll(page: Page) -> dict[str, float]:
    return page.evaluate("""() => { const log = document.getElementById('log');
        return {top: log.scrollTop, height: log.scrollHeight, view: log.clientHeight}; }""")


def test_reading_a_long_answer_on_a_phone(real_knowledge_server: LiveServer, page: Page) -> None:
    import json

    from playwright.sync_api import WebSocketRoute

    sockets: list[WebSocketRoute] = []
    page.route_web_socket(re.compile(r"/webchat/ws"), lambda ws: sockets.append(ws))  # pushes
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(real_knowledge_server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=20_000)
    wait_until_idle(page)
    for button in [*page.locator(".choices button").all(), page.locator("#send"),
                   page.locator("#lang")]:
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb's tap target
    say(page, "How do I apply for a passport?")
    wait_until_idle(page)
    answer = page.locator(".msg.out").last
    log_box, answer_box = page.locator("#log").bounding_box(), answer.bounding_box()
    assert log_box is not None and answer_box is not None
    assert answer_box["height"] > log_box["height"] * 0.8, "the answer should be long here"
    # its first line is in view, at the top, not its end
    assert log_box["y"] <= answer_box["y"] <= log_box["y"] + 40
    # a citizen who scrolled up to read is not pulled down by a pushed message
    page.evaluate("document.getElementById('log').scrollTop = 0")
    page.wait_for_timeout(100)
    assert sockets, "the page opened no socket"
    sockets[-1].send(json.dumps({"seq": 10_000, "direction": "out", "kind": "text",
                                 "text": "Your payment of KES 1,050 was received.",
                                 "created_at": "2026-12-06T10:00:00Z"}))
    expect(page.locator("#newer")).to_be_visible(timeout=10_000)
    assert _scroll(page)["top"] == 0
    page.locator("#newer").click()
    expect(page.locator("#newer")).to_be_hidden()
    expect(bot_bubbles(page).last).to_contain_text("KES 1,050")
    expect(bot_bubbles(page).last).to_be_in_viewport()


def test_only_the_newest_choices_can_be_tapped_also_after_a_reload(
    server: LiveServer, page: Page,
) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    page.locator(".choices button").first.click()
    expect(page.locator("#text")).to_be_focused()  # back where the citizen writes
    wait_until_idle(page)
    say(page, "menu")
    wait_until_idle(page)
    page.reload()
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    groups = page.locator(".choices")
    assert groups.count() >= 2
    assert groups.first.locator("button:enabled").count() == 0  # the greeting's menu, answered
    assert groups.last.locator("button:disabled").count() == 0  # the newest menu is live


def test_the_pages_own_words_follow_the_chats_language(server: LiveServer, page: Page) -> None:
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    assert page.get_attribute("#text", "aria-label") == "Message"
    say(page, "Habari, nataka kujua ada ya pasipoti")
    wait_until_idle(page)
    expect(page.locator("html")).to_have_attribute("lang", "sw")
    assert page.get_attribute("#text", "aria-label") == "Ujumbe"
    assert page.get_attribute("#text", "placeholder") == "Andika ujumbe"
    assert page.get_attribute("#send", "aria-label") == "Tuma"
    expect(page.locator("#end")).to_have_text("Maliza mazungumzo")
    expect(page.locator("#lang")).to_have_text("English")
    assert page.get_attribute("#lang", "aria-label") == "Badilisha lugha: English"


def test_the_chat_page_has_no_serious_accessibility_findings(
    server: LiveServer, browser: Browser,
) -> None:
    from tests.helpers.axe import serious_findings

    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_be_visible(timeout=15_000)
    wait_until_idle(page)
    assert serious_findings(page) == []
    say(page, "Habari, nataka kujua ada ya pasipoti")  # and in Swahili, with an answer shown
    wait_until_idle(page)
    assert serious_findings(page) == []
    context.close()


def test_a_message_refused_as_busy_is_sent_again_when_retry_after_says(
    server: LiveServer, page: Page,
) -> None:
    from playwright.sync_api import Route

    languages: list[str | None] = []

    def network(route: Route) -> None:
        languages.append(route.request.headers.get("accept-language"))
        if len(languages) == 1:  # the server's answer behind a dead worker's lock
            route.fulfill(status=503, headers={"Retry-After": "20"},
                          content_type="application/problem+json",
                          body=json.dumps({"status": 503, "retry_after_seconds": 20}))
            return
        route.continue_()

    page.clock.install()
    page.route("**/webchat/send", network)
    page.goto(server.url + "/")
    expect(bot_bubbles(page).first).to_contain_text("Msaidizi", timeout=15_000)
    wait_until_idle(page)
    say(page, "How much is a passport?")
    unsent = page.locator(".msg.in.unsent")
    expect(unsent).to_have_count(1, timeout=10_000)
    page.clock.run_for(10_000)  # the back-off alone would have tried again within 2 s
    assert len(languages) == 1
    page.clock.run_for(11_000)
    expect(unsent).to_have_count(0, timeout=15_000)
    expect(bot_bubbles(page).last).to_contain_text("passport")
    assert languages == ["en", "en"]  # the chat's language, for the problem's words
