"""WhatsApp end to end: the webhook as Meta calls it, replies to the Graph API stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.whatsapp import SIGNATURE_HEADER
from bot.config import BotSettings
from bot.core.messages import TextReply
from bot.knowledge.live import LiveKnowledge
from common.timezone import utcnow
from tests.helpers.channel_drivers import (
    WHATSAPP_VERIFY_TOKEN,
    ChannelApp,
    WhatsAppDriver,
    channel_app,
    delivery_states,
    load_fixture,
    sign,
    whatsapp_notification,
)
from tests.helpers.dialog import make_deliveries_due
from tests.helpers.standins import GraphStandIn

TEMPLATE = "msaidizi_update"


@pytest.fixture
async def app_with_template(
    settings: BotSettings, fixture_knowledge: LiveKnowledge
) -> AsyncIterator[ChannelApp]:
    settings = settings.model_copy(update={
        "whatsapp": settings.whatsapp.model_copy(update={"template_name": TEMPLATE})})
    async with channel_app(settings, fixture_knowledge, lifespan=False) as running:
        yield running


@pytest.fixture
def citizen(app: ChannelApp, graph_api: GraphStandIn) -> WhatsAppDriver:
    return WhatsAppDriver(app.client, graph_api)


async def post_raw(app: ChannelApp, body: bytes, headers: dict[str, str]):
    return await app.client.post("/webhooks/whatsapp", content=body,
                                 headers={"content-type": "application/json", **headers})


async def test_verification_handshake_echoes_the_challenge(app: ChannelApp) -> None:
    response = await app.client.get("/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
        "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [{"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
     {"hub.mode": "unsubscribe", "hub.verify_token": WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1"},
     {"hub.challenge": "1"}],
    ids=["wrong-token", "wrong-mode", "nothing"],
)
async def test_verification_handshake_refuses_a_wrong_token_or_mode(
    app: ChannelApp, params: dict[str, str]
) -> None:
    response = await app.client.get("/webhooks/whatsapp", params=params)
    assert response.status_code == 403


async def test_signed_notification_runs_a_turn_and_replies_via_graph_api(
    citizen: WhatsAppDriver, graph_api: GraphStandIn, app: ChannelApp
) -> None:
    shown = await citizen.say("Habari yako")
    assert shown.text.startswith("Habari! Mimi ni Msaidizi")
    [sent] = graph_api.sent(citizen.sender_id)
    assert sent["type"] == "interactive" and sent["interactive"]["type"] == "list"
    sw = app.runtime.translations.for_locale("sw")
    assert sent["interactive"]["action"]["button"] == sw.gettext("Options")
    states = await delivery_states(app.runtime, f"whatsapp:{citizen.sender_id}")
    assert [s["delivery"] for s in states] == ["sent"]


@pytest.mark.parametrize(
    "case", ["unsigned", "tampered", "wrong-secret", "bare-hex", "empty-signature"])
async def test_only_correctly_signed_notifications_are_processed(
    app: ChannelApp, graph_api: GraphStandIn, case: str
) -> None:
    data = whatsapp_notification("text", "254700000999", type="text", text={"body": "hello"})
    body = json.dumps(data).encode()
    headers = {
        "unsigned": {},
        "tampered": {SIGNATURE_HEADER: sign(body)},
        "wrong-secret": {SIGNATURE_HEADER: sign(body, "not-the-app-secret")},
        "bare-hex": {SIGNATURE_HEADER: sign(body).removeprefix("sha256=")},
        "empty-signature": {SIGNATURE_HEADER: ""},
    }[case]
    if case == "tampered":
        body = body.replace(b"hello", b"HELLO")
    response = await post_raw(app, body, headers)
    assert response.status_code == (401 if case == "unsigned" else 403)
    assert graph_api.sent() == []
    assert await app.runtime.store.load_by_id("whatsapp:254700000999") is None


async def test_signature_is_checked_before_the_body_is_parsed(app: ChannelApp) -> None:
    response = await post_raw(app, b"{not json", {})
    assert response.status_code == 401
    response = await post_raw(app, b"{not json", {SIGNATURE_HEADER: sign(b"{not json")})
    assert response.status_code == 400


@pytest.mark.parametrize("fixture", ["status_delivered", "status_failed", "reaction"])
async def test_statuses_and_reactions_are_accepted_and_ignored(
    app: ChannelApp, graph_api: GraphStandIn, fixture: str
) -> None:
    body = json.dumps(load_fixture(f"whatsapp/{fixture}.json")).encode()
    response = await post_raw(app, body, {SIGNATURE_HEADER: sign(body)})
    assert response.status_code == 200
    assert graph_api.sent() == []
    assert await app.runtime.store.load_by_id("whatsapp:254712345678") is None


async def test_meta_retry_of_the_same_wamid_is_one_turn_with_one_set_of_replies(
    app: ChannelApp, graph_api: GraphStandIn
) -> None:
    data = whatsapp_notification("text", "254700000777", wamid="wamid.RETRY1",
                                 type="text", text={"body": "how much is a passport"})
    body = json.dumps(data).encode()
    for _ in range(3):
        response = await post_raw(app, body, {SIGNATURE_HEADER: sign(body)})
        assert response.status_code == 200
    assert len(graph_api.sent("254700000777")) == 1
    history = await app.runtime.store.messages_after("whatsapp:254700000777", 0)
    assert [m.direction for m in history] == ["in", "out"]


async def test_notification_answers_500_until_the_turn_is_stored_then_runs_it_once(
    app: ChannelApp, graph_api: GraphStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.runtime.store
    real_commit = store.commit_turn

    async def database_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    data = whatsapp_notification("text", "254700000778", type="text", text={"body": "hello"})
    body = json.dumps(data).encode()
    monkeypatch.setattr(store, "commit_turn", database_down)
    response = await post_raw(app, body, {SIGNATURE_HEADER: sign(body)})
    assert response.status_code == 500  # Meta delivers it again later
    monkeypatch.setattr(store, "commit_turn", real_commit)
    for _ in range(2):
        response = await post_raw(app, body, {SIGNATURE_HEADER: sign(body)})
        assert response.status_code == 200
    assert len(graph_api.sent("254700000778")) == 1


async def test_non_text_message_gets_a_polite_could_not_read_answer(
    citizen: WhatsAppDriver, graph_api: GraphStandIn
) -> None:
    shown = await citizen.post(whatsapp_notification(
        "image", citizen.sender_id,
        image={"mime_type": "image/jpeg", "sha256": "abc", "id": "1003383421387256"}))
    assert shown.text.startswith("I could not read a question in that message.")


async def test_list_reply_tap_is_handled_as_the_choice(citizen: WhatsAppDriver) -> None:
    await citizen.say("menu")
    shown = await citizen.tap(4)  # Common questions
    assert shown.text.startswith("Common questions.")
    shown = await citizen.tap(0)
    assert "(From the article" in shown.text


async def test_button_reply_tap_is_handled_as_the_choice(citizen: WhatsAppDriver) -> None:
    shown = await citizen.post(whatsapp_notification("button_reply", citizen.sender_id))
    assert "support@ecitizen.go.ke" in shown.text


async def make_quiet(app: ChannelApp, conversation_id: str, hours: float) -> None:
    """Pretend the citizen last wrote `hours` ago."""
    session = await app.runtime.store.load_by_id(conversation_id)
    assert session is not None
    session.last_inbound_at = utcnow() - timedelta(hours=hours)
    await app.runtime.store.save_session(session)


async def test_push_inside_24_hours_is_sent_free_form(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn
) -> None:
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    await make_quiet(app, cid, 23.5)
    await app.runtime.push(cid, [TextReply("An agent has replied.")])
    assert graph_api.sent(citizen.sender_id)[-1]["text"]["body"] == "An agent has replied."


async def test_push_after_24_hours_without_template_is_skipped_and_logged(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    await make_quiet(app, cid, 25)
    sent_before = len(graph_api.sent())
    await app.runtime.push(cid, [TextReply("Your passport is ready for collection.")])
    assert len(graph_api.sent()) == sent_before
    state = (await delivery_states(app.runtime, cid))[-1]
    assert state["delivery"] == "failed"
    assert "24-hour window" in state["error"] and "TEMPLATE_NAME" in state["error"]
    assert "WhatsApp push skipped" in caplog.text


async def test_push_after_24_hours_goes_out_as_the_configured_template(
    app_with_template: ChannelApp, graph_api: GraphStandIn
) -> None:
    citizen = WhatsAppDriver(app_with_template.client, graph_api)
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    await make_quiet(app_with_template, cid, 30)
    await app_with_template.runtime.push(
        cid, [TextReply("Your passport is ready.\nCollect it at Nyayo House.")])
    message = graph_api.sent(citizen.sender_id)[-1]
    assert message["type"] == "template"
    assert message["template"]["name"] == TEMPLATE
    assert message["template"]["language"] == {"code": "en"}
    assert message["template"]["components"][0]["parameters"][0]["text"] == (
        "Your passport is ready. Collect it at Nyayo House.")
    assert (await delivery_states(app_with_template.runtime, cid))[-1]["delivery"] == "sent"


async def test_a_swahili_chat_gets_the_templates_swahili_translation_without_markup(
    app_with_template: ChannelApp, graph_api: GraphStandIn
) -> None:
    citizen = WhatsAppDriver(app_with_template.client, graph_api)
    await citizen.say("habari, nataka kujua kuhusu pasipoti")
    cid = f"whatsapp:{citizen.sender_id}"
    await make_quiet(app_with_template, cid, 30)
    await app_with_template.runtime.push(
        cid, [TextReply("**Malipo yamepokelewa.**\n- Risiti: RCP-1\n- Simu: ******78")])
    message = graph_api.sent(citizen.sender_id)[-1]
    assert message["template"]["language"] == {"code": "sw"}
    assert message["template"]["components"][0]["parameters"][0]["text"] == (
        "Malipo yamepokelewa. • Risiti: RCP-1 • Simu: \u2217\u2217\u2217\u2217\u2217\u221778")


async def test_push_to_a_number_that_never_wrote_needs_the_template(
    app_with_template: ChannelApp, graph_api: GraphStandIn
) -> None:
    await app_with_template.runtime.push("whatsapp:254700000555", [TextReply("Payment received.")])
    [message] = graph_api.sent("254700000555")
    assert message["type"] == "template"


async def test_reengagement_error_131047_fails_for_good_with_that_reason(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn
) -> None:
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    graph_api.fail_next("reengagement")
    await app.runtime.push(cid, [TextReply("Late news"), TextReply("More news")])
    states = await delivery_states(app.runtime, cid)
    assert [s["delivery"] for s in states[1:]] == ["failed", "sent"]
    assert "131047" in states[1]["error"] and "re-engagement" in states[1]["error"]


@pytest.mark.parametrize("kind", ["rate_limit", "server"])
async def test_rate_limit_and_server_errors_are_retried(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn, kind: str
) -> None:
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    graph_api.fail_next(kind)
    await app.runtime.push(cid, [TextReply("Payment received.")])
    state = (await delivery_states(app.runtime, cid))[-1]
    assert (state["delivery"], state["attempts"]) == ("pending", 1)
    await app.runtime.deliverer.deliver(cid)
    assert (await delivery_states(app.runtime, cid))[-1]["delivery"] == "pending"  # backing off
    await make_deliveries_due(app.runtime)
    await app.runtime.deliverer.deliver(cid)
    assert (await delivery_states(app.runtime, cid))[-1]["delivery"] == "sent"
    assert graph_api.sent(citizen.sender_id)[-1]["text"]["body"] == "Payment received."


async def test_other_client_errors_fail_for_good(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn
) -> None:
    await citizen.say("hello")
    cid = f"whatsapp:{citizen.sender_id}"
    graph_api.fail_next("bad_recipient")
    await app.runtime.push(cid, [TextReply("Payment received.")])
    state = (await delivery_states(app.runtime, cid))[-1]
    assert state["delivery"] == "failed" and "131030" in state["error"]


async def test_unreachable_graph_api_is_retried(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, graph_api: GraphStandIn
) -> None:
    settings = settings.model_copy(update={
        "whatsapp": settings.whatsapp.model_copy(update={"api_base_url": "http://127.0.0.1:9"})})
    async with channel_app(settings, fixture_knowledge, lifespan=False) as running:
        citizen = WhatsAppDriver(running.client, graph_api)
        await citizen.say("hello")
        [state] = await delivery_states(running.runtime, f"whatsapp:{citizen.sender_id}")
        assert state["delivery"] == "pending"
        assert "unreachable" in state["error"]


async def test_long_reply_is_split_into_texts_under_4096(
    app: ChannelApp, citizen: WhatsAppDriver, graph_api: GraphStandIn
) -> None:
    await citizen.say("hello")
    paragraphs = [f"Aya {i}: " + " ".join(["maelezo"] * 200) for i in range(6)]
    await app.runtime.push(f"whatsapp:{citizen.sender_id}", [TextReply("\n\n".join(paragraphs))])
    bodies = [m["text"]["body"] for m in graph_api.sent(citizen.sender_id)[1:]]
    assert len(bodies) == 3 and all(len(b) <= 4096 for b in bodies)
    assert "\n\n".join(bodies) == "\n\n".join(paragraphs)
