"""Telegram end to end: python-telegram-bot over real HTTP against the Bot API stand-in."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from bot.channels.telegram import COMMANDS
from bot.channels.telegram_inbound import SECRET_HEADER
from bot.channels.telegram_sender import TelegramSender
from bot.cli import main
from bot.cli.telegram import run_polling
from bot.config import BotSettings, get_settings
from bot.core.messages import TextReply
from bot.knowledge.live import LiveKnowledge
from tests.helpers import channel_drivers
from tests.helpers.channel_drivers import (
    TELEGRAM_SECRET,
    ChannelApp,
    TelegramDriver,
    channel_app,
    delivery_states,
    load_fixture,
    telegram_message_update,
)
from tests.helpers.clock import ManualClock
from tests.helpers.dialog import make_deliveries_due
from tests.helpers.standins import TelegramStandIn
from tests.helpers.standins.telegram import strip_html


@pytest.fixture
def citizen(app: ChannelApp, telegram_api: TelegramStandIn) -> TelegramDriver:
    return TelegramDriver(telegram_api, client=app.client, language_code="en")


def texts_to(standin: TelegramStandIn, chat_id: str) -> list[str]:
    return [strip_html(c.params["text"]) for c in standin.calls_to("sendMessage")
            if str(c.params["chat_id"]) == chat_id]


async def post_update(app: ChannelApp, update: dict[str, object], **headers: str):
    return await app.client.post("/webhooks/telegram", json=update, headers=headers)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
async def test_webhook_without_the_right_secret_is_refused_unprocessed(
    app: ChannelApp, telegram_api: TelegramStandIn, secret: str | None
) -> None:
    update = telegram_message_update(555, "hello", "en")
    headers = {} if secret is None else {SECRET_HEADER: secret}
    response = await post_update(app, update, **headers)
    assert response.status_code == 403
    assert telegram_api.calls_to("sendMessage") == []
    assert await app.runtime.store.load_by_id("telegram:555") is None


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [(b"{not json", "application/json", 400), (b"update_id=1", "application/x-www-form-urlencoded", 415),
     (b"[1, 2]", "application/json", 400), (b'{"update_id": "x"}', "application/json", 400)],
)
async def test_webhook_refuses_what_is_not_an_update(
    app: ChannelApp, content: bytes, content_type: str, status: int
) -> None:
    response = await app.client.post(
        "/webhooks/telegram", content=content,
        headers={SECRET_HEADER: TELEGRAM_SECRET, "content-type": content_type})
    assert response.status_code == status


async def test_webhook_update_runs_a_turn_and_replies_through_the_bot_api(
    citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    shown = await citizen.say("Hello there")
    assert shown.text.startswith("Hello! I am Msaidizi")
    [call] = telegram_api.calls_to("sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert call.params["chat_id"] == citizen.chat_id


async def test_retried_update_is_one_turn_with_one_set_of_replies(
    app: ChannelApp, telegram_api: TelegramStandIn
) -> None:
    update = telegram_message_update(556, "how much is a passport", "en")
    update["update_id"] = telegram_api.next_update_id()
    for _ in range(3):
        response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
        assert response.status_code == 200
    assert len(texts_to(telegram_api, "556")) == 1
    history = await app.runtime.store.messages_after("telegram:556", 0)
    assert [m.direction for m in history] == ["in", "out"]


async def test_webhook_answers_500_until_the_turn_is_stored_then_runs_it_once(
    app: ChannelApp, telegram_api: TelegramStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.runtime.store
    real_commit = store.commit_turn

    async def database_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    monkeypatch.setattr(store, "commit_turn", database_down)
    update = telegram_message_update(559, "Hello there", "en")
    update["update_id"] = telegram_api.next_update_id()
    response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == 500  # Telegram delivers it again later
    assert texts_to(telegram_api, "559") == []
    monkeypatch.setattr(store, "commit_turn", real_commit)
    for _ in range(2):
        response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
        assert response.status_code == 200
    assert len(texts_to(telegram_api, "559")) == 1


async def test_callback_query_is_answered_and_tapped_payload_handled(
    citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("menu")
    shown = await citizen.tap(5)  # "Talk to a person"
    [answer] = telegram_api.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"].startswith("cq")
    assert "support@ecitizen.go.ke" in shown.text


async def test_callback_query_redelivered_is_answered_once_and_not_rerun(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("menu")
    update = channel_drivers.telegram_callback_update(
        citizen.chat_id, "faq", citizen._keyboard_message or {}, "en")
    update["update_id"] = telegram_api.next_update_id()
    for _ in range(2):
        response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
        assert response.status_code == 200
    assert len(telegram_api.calls_to("answerCallbackQuery")) == 2  # second one refused, harmless
    assert len([t for t in texts_to(telegram_api, citizen.sender_id) if "Common questions" in t]) == 1


async def test_start_deep_link_answers_the_article(citizen: TelegramDriver, app: ChannelApp) -> None:
    shown = await citizen.say("/start faq_passport-fees")
    article = app.runtime.knowledge.article("passport-fees", "en")
    assert article is not None and article.title in shown.text


@pytest.mark.parametrize("command", ["/start faq_passport-fees", "/human"])
async def test_first_deep_link_or_tap_answers_in_the_clients_language(
    app: ChannelApp, telegram_api: TelegramStandIn, command: str
) -> None:
    swahili = TelegramDriver(telegram_api, client=app.client, language_code="sw")
    await swahili.say(command)
    session = await app.runtime.store.load_by_id(f"telegram:{swahili.sender_id}")
    assert session is not None and session.locale == "sw"


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/help", "What can I help you with?"), ("/menu", "What can I help you with?"),
     ("/cancel", "There is nothing to cancel."), ("/human", "support@ecitizen.go.ke"),
     ("/lang", "Which language would you like?"), ("/lang sw", "Sawa")],
)
async def test_commands_reach_the_right_handlers(
    citizen: TelegramDriver, command: str, expected: str
) -> None:
    shown = await citizen.say(command)
    assert expected in shown.text


async def test_photo_gets_a_polite_could_not_read_answer(
    app: ChannelApp, telegram_api: TelegramStandIn
) -> None:
    update = load_fixture("telegram/message_photo.json")
    update["update_id"] = telegram_api.next_update_id()
    response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == 200
    [text] = texts_to(telegram_api, "424242")
    assert text.startswith("I could not read a question in that message.")


async def test_group_message_is_acknowledged_but_not_answered(
    app: ChannelApp, telegram_api: TelegramStandIn
) -> None:
    update = load_fixture("telegram/message_group.json")
    response = await post_update(app, update, **{SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == 200
    assert telegram_api.calls_to("sendMessage") == []


async def test_script_in_a_pushed_text_is_escaped_and_shown_verbatim(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("hello")
    echo = "You wrote: <script>alert('x')</script> & <b>not bold</b>"
    await app.runtime.push(f"telegram:{citizen.sender_id}", [TextReply(echo)])
    assert texts_to(telegram_api, citizen.sender_id)[-1] == echo  # the stand-in parsed it
    states = await delivery_states(app.runtime, f"telegram:{citizen.sender_id}")
    assert [s["delivery"] for s in states] == ["sent", "sent"]


async def test_an_agent_typing_shows_as_telegrams_chat_action(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("hello")
    sent = len(telegram_api.calls_to("sendMessage"))
    await app.runtime.show_typing(f"telegram:{citizen.sender_id}", "Achieng")
    [action] = telegram_api.calls_to("sendChatAction")
    assert (str(action.params["chat_id"]), action.params["action"]) == (citizen.sender_id,
                                                                         "typing")
    assert len(telegram_api.calls_to("sendMessage")) == sent  # nothing is sent as a message


async def test_long_message_is_split_at_paragraphs_under_4096(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("hello")
    paragraphs = [f"Paragraph {i}: " + " ".join(["maelezo"] * 240) for i in range(6)]
    await app.runtime.push(f"telegram:{citizen.sender_id}", [TextReply("\n\n".join(paragraphs))])
    parts = texts_to(telegram_api, citizen.sender_id)[1:]
    assert len(parts) == 3
    assert all(len(p) <= 4096 and p.startswith("Paragraph ") for p in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


async def test_flood_control_429_is_retried_after_retry_after(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    clock = ManualClock()
    app.runtime.clock = clock.now  # the deliverer's back-off and Telegram's wait on one clock
    app.runtime.add_sender(TelegramSender(app.telegram.bot, clock=clock.monotonic))
    await citizen.say("hello")
    cid = f"telegram:{citizen.sender_id}"
    telegram_api.fail_next("sendMessage", "flood", retry_after=1)
    await app.runtime.push(cid, [TextReply("Your payment was received."), TextReply("Asante!")])
    states = await delivery_states(app.runtime, cid)
    assert [(s["delivery"], s["attempts"]) for s in states[1:]] == [("pending", 1), ("pending", 0)]
    assert "retry in 1s" in states[1]["error"]
    calls = len(telegram_api.calls_to("sendMessage"))
    await app.runtime.deliverer.sweep()  # the second message is due, the first one is not
    assert len(telegram_api.calls_to("sendMessage")) == calls  # Telegram is left alone
    clock.advance(0.9)  # not yet: the back-off still holds the first (and so the second)
    await app.runtime.deliverer.sweep()
    assert len(telegram_api.calls_to("sendMessage")) == calls
    clock.advance(0.15)
    assert await app.runtime.deliverer.sweep() == 1
    states = await delivery_states(app.runtime, cid)
    assert [s["delivery"] for s in states] == ["sent", "sent", "sent"]
    assert texts_to(telegram_api, citizen.sender_id)[-2:] == ["Your payment was received.", "Asante!"]


@pytest.mark.parametrize("kind", ["blocked", "chat_not_found"])
async def test_blocked_bot_or_unknown_chat_fails_for_good_and_moves_on(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn, kind: str
) -> None:
    await citizen.say("hello")
    cid = f"telegram:{citizen.sender_id}"
    telegram_api.fail_next("sendMessage", kind)
    await app.runtime.push(cid, [TextReply("First"), TextReply("Second")])
    states = await delivery_states(app.runtime, cid)
    assert [(s["delivery"], s["attempts"]) for s in states[1:]] == [("failed", 1), ("sent", 1)]
    assert "refused" in states[1]["error"]


async def test_server_error_is_retried_later(
    app: ChannelApp, citizen: TelegramDriver, telegram_api: TelegramStandIn
) -> None:
    await citizen.say("hello")
    cid = f"telegram:{citizen.sender_id}"
    telegram_api.fail_next("sendMessage", "server")
    await app.runtime.push(cid, [TextReply("Later")])
    assert (await delivery_states(app.runtime, cid))[-1]["delivery"] == "pending"
    await make_deliveries_due(app.runtime)
    await app.runtime.deliverer.deliver(cid)
    assert (await delivery_states(app.runtime, cid))[-1]["delivery"] == "sent"


async def test_start_up_registers_commands_in_english_and_swahili(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, telegram_api: TelegramStandIn
) -> None:
    async with channel_app(settings, fixture_knowledge) as running:
        sw = running.runtime.translations.for_locale("sw")
        english = {c["command"]: c["description"] for c in telegram_api.commands[""]}
        swahili = {c["command"]: c["description"] for c in telegram_api.commands["sw"]}
    assert list(english) == ["start", "help", "menu", "lang", "human", "cancel"]
    assert english == dict(COMMANDS)
    assert swahili == {name: sw.gettext(msgid) for name, msgid in COMMANDS}
    assert swahili["menu"] == "Menyu kuu" and swahili["human"] == "Ongea na mhudumu"
    assert telegram_api.webhook is None  # no public HTTPS URL: the operator registers it


async def test_start_up_sets_the_webhook_with_the_secret_when_public_url_is_https(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, telegram_api: TelegramStandIn
) -> None:
    settings.web.public_url = "https://msaidizi.example.go.ke/"
    from bot.channels.telegram_setup import build_telegram_channel
    from bot.channels.web import create_bot_app

    runtime = channel_drivers.build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    channel = build_telegram_channel(runtime)
    assert channel is not None
    app = create_bot_app(runtime, channels=[channel])
    async with app.router.lifespan_context(app):
        webhook = telegram_api.webhook
    assert webhook is not None
    assert webhook["url"] == "https://msaidizi.example.go.ke/webhooks/telegram"
    assert webhook["secret_token"] == TELEGRAM_SECRET
    assert webhook["allowed_updates"] == ["message", "callback_query"]


async def test_rejected_token_stops_the_start_up_without_logging_it(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings.model_copy(update={"telegram": settings.telegram.model_copy(
        update={"token": SecretStr("999:revoked-token")})})
    with pytest.raises(RuntimeError, match="Telegram rejected MSAIDIZI_TELEGRAM__TOKEN") as error:
        async with channel_app(settings, fixture_knowledge):
            pass
    assert "revoked-token" not in str(error.value) + caplog.text


async def test_unreachable_telegram_at_start_up_keeps_serving_and_queues_replies(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings.model_copy(update={"telegram": settings.telegram.model_copy(
        update={"api_base_url": "http://127.0.0.1:9"})})
    async with channel_app(settings, fixture_knowledge) as running:
        update = telegram_message_update(560, "hello", "en")
        update["update_id"] = 1
        response = await post_update(running, update, **{SECRET_HEADER: TELEGRAM_SECRET})
        assert response.status_code == 200
        [state] = await delivery_states(running.runtime, "telegram:560")
        assert state["delivery"] == "pending" and "unreachable" in state["error"]
    assert "Telegram is not reachable at start-up" in caplog.text


async def test_polling_end_to_end_acknowledges_only_after_the_turn(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, telegram_api: TelegramStandIn
) -> None:
    settings = settings.model_copy(update={
        "telegram": settings.telegram.model_copy(update={"mode": "polling"})})
    async with channel_app(settings, fixture_knowledge) as running:
        citizen = TelegramDriver(telegram_api, polling=True, language_code="sw")
        shown = await citizen.say("Habari yako")
        assert shown.text.startswith("Habari! Mimi ni Msaidizi")
        shown = await citizen.tap(4)  # "Maswali ya kawaida"
        assert "Maswali ya kawaida" in shown.text
        assert len(telegram_api.calls_to("answerCallbackQuery")) == 1
        session = await running.runtime.store.load_by_id(f"telegram:{citizen.sender_id}")
        assert session is not None and session.locale == "sw"
    methods = [c.method for c in telegram_api.all_calls()]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    final = telegram_api.calls_to("getUpdates")[-1].params
    assert final["timeout"] == 0 and final["offset"] == telegram_api.confirmed_offset


async def test_polling_fetches_a_failed_batch_again_and_runs_it_once(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, telegram_api: TelegramStandIn
) -> None:
    settings = settings.model_copy(update={
        "telegram": settings.telegram.model_copy(update={"mode": "polling"})})
    async with channel_app(settings, fixture_knowledge) as running:
        poller = running.telegram.poller
        assert poller is not None
        poller._pause_seconds = 0.01
        real = running.telegram.inbound._handle
        failures = iter([RuntimeError("database is down")])

        async def flaky(message):  # the first attempt fails before anything is stored
            failure = next(failures, None)
            if failure is not None:
                raise failure
            return await real(message)

        running.telegram.inbound._handle = flaky
        update_id = telegram_api.add_update(telegram_message_update(557, "Hello there", "en"))
        await telegram_api.wait_confirmed(update_id)
        assert len(texts_to(telegram_api, "557")) == 1
        offsets = [c.params.get("offset") for c in telegram_api.calls_to("getUpdates")]
        assert offsets.count(update_id + 1) >= 1


@pytest.mark.parametrize(
    ("env", "message"),
    [({}, "MSAIDIZI_TELEGRAM__TOKEN is not set"),
     ({"MSAIDIZI_TELEGRAM__TOKEN": "1:a", "MSAIDIZI_TELEGRAM__MODE": "webhook",
       "MSAIDIZI_TELEGRAM__WEBHOOK_SECRET": "abc"}, "`msaidizi serve` receives the updates")],
)
def test_msaidizi_telegram_refuses_without_token_or_in_webhook_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TOKEN", "MODE", "WEBHOOK_SECRET"):
        monkeypatch.delenv(f"MSAIDIZI_TELEGRAM__{name}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["telegram"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert message in result.output


async def test_msaidizi_telegram_polls_until_stopped(
    settings: BotSettings, fixture_knowledge: LiveKnowledge, telegram_api: TelegramStandIn
) -> None:
    settings = settings.model_copy(update={
        "telegram": settings.telegram.model_copy(update={"mode": "polling"})})
    runtime = channel_drivers.build_runtime(settings, migrate=False, knowledge=fixture_knowledge)
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(runtime, stop))
    update_id = telegram_api.add_update(telegram_message_update(558, "/start", "en"))
    await telegram_api.wait_confirmed(update_id)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert texts_to(telegram_api, "558")[0].startswith("What can I help you with?")
