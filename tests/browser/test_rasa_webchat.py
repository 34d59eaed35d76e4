"""rasa-webchat from npm, on another site, talks to Msaidizi as it would to a Rasa server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from playwright.sync_api import Page, expect

from bot.app import Runtime, build_runtime
from bot.channels.web import create_bot_app
from bot.config import BotSettings
from bot.core.messages import TextReply
from bot.knowledge.live import LiveKnowledge
from tests.helpers.server import LiveServer, free_port
from tests.helpers.services import services_required

pytestmark = pytest.mark.browser

WIDGET = (Path(__file__).resolve().parent / "npm" / "node_modules" / "rasa-webchat" / "lib"
          / "index.js")


def widget_site(bot_url: str) -> FastAPI:
    """A ministry's page embedding the stock widget, pointed at the assistant."""
    site = FastAPI()
    options = {"selector": "#webchat", "socketUrl": bot_url, "socketPath": "/socket.io/",
               "initPayload": "/greet", "title": "Msaidizi", "customData": {"language": "en"},
               "params": {"storage": "session"}}

    @site.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><title>Ministry</title></head><body>'
            '<div id="webchat"></div><script src="/webchat.js"></script>'
            f"<script>WebChat.default({json.dumps(options)}, null);</script></body></html>")

    @site.get("/webchat.js")
    async def script() -> FileResponse:
        return FileResponse(WIDGET, media_type="text/javascript")

    return site


@pytest.fixture
def sites(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge
          ) -> Iterator[tuple[LiveServer, LiveServer, Runtime]]:
    if not WIDGET.exists():
        message = "rasa-webchat is not installed: npm ci --prefix tests/browser/npm (make test does)"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = free_port()  # the widget site's origin is known before the assistant starts
    web = bot_settings.web.model_copy(update={"cors_origins": [f"http://127.0.0.1:{port}"]})
    runtime = build_runtime(bot_settings.model_copy(update={"web": web}), migrate=False,
                            knowledge=fixture_knowledge)
    bot = LiveServer(create_bot_app(runtime))
    with bot, LiveServer(widget_site(bot.url), port=port) as site:
        yield site, bot, runtime


def test_rasa_webchat_answers_a_question_and_receives_a_push(
    sites: tuple[LiveServer, LiveServer, Runtime], page: Page,
) -> None:
    site, bot, runtime = sites
    page.goto(site.url + "/")
    page.locator(".rw-launcher").click()
    responses = page.locator(".rw-response")
    expect(responses.first).to_contain_text("Hello! I am Msaidizi", timeout=20_000)
    page.locator(".rw-new-message").fill("How much is a passport?")
    page.keyboard.press("Enter")
    expect(responses.last).to_contain_text("KES", timeout=20_000)
    session = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session') || '{}')")
    session_id = session.get("session_id")
    assert session_id, session
    bot.call(runtime.push(f"socketio:{session_id}",
                          [TextReply("Achieng (eCitizen support): Hello, I can help.")]))
    expect(responses.last).to_contain_text("Achieng (eCitizen support)", timeout=20_000)
