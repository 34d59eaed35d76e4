"""Telegram adapter without the network: updates to InboundMessages, rendering, settings."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr
from telegram import Bot, Update

from bot.channels.render import markdown_to_telegram_html, split_text, utf16_length
from bot.channels.telegram_inbound import command_input, deep_link_choice, to_inbound
from bot.channels.telegram_sender import (
    CallbackDataTooLongError,
    choices_keyboard,
    render_reply,
)
from bot.channels.telegram_setup import telegram_problem, telegram_status
from bot.config import BotSettings, TelegramSettings
from bot.core.messages import Choice, ChoicesReply, HandoffReply, LinkReply, TextReply
from tests.helpers.channel_drivers import load_fixture
from tests.helpers.standins.telegram import strip_html, visible_text

INTENTS = {"faq", "link_account", "talk_to_human", "check_status", "change_language",
           "passport-fees", "start_payment"}
BOT = Bot("123456:TEST-token_abc")


def is_intent(name: str) -> bool:
    return name in INTENTS


def update_from(fixture: str, **message_fields: object) -> Update:
    data = load_fixture(f"telegram/{fixture}.json")
    data.get("message", {}).update(message_fields)
    return Update.de_json(data, BOT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", ("/start", None)),
        ("/start faq_passport-fees", ("/start faq_passport-fees", "faq:passport-fees")),
        ("/start passport-fees", ("/start passport-fees", "passport-fees")),
        ("/start link", ("/start link", "link_account")),
        ("/start link_AB12cd", ("/start link_AB12cd", "link_account:AB12cd")),
        ("/start check_status", ("/start check_status", "check_status")),
        ("/start no_such_thing", ("/start", None)),
        ("/help", ("menu", None)),
        ("/menu", ("menu", None)),
        ("/menu@msaidizi_test_bot", ("menu", None)),
        ("/lang sw", ("/lang sw", None)),
        ("/lang Kiswahili", ("/lang sw", None)),
        ("/lang EN", ("/lang en", None)),
        ("/lang", ("/lang", "change_language")),
        ("/lang fr", ("/lang", "change_language")),
        ("/human", ("/human", "talk_to_human")),
        ("/cancel", ("cancel", None)),
        ("/unknown thing", ("/unknown thing", None)),
    ],
)
def test_command_input_maps_commands_to_what_the_core_understands(
    text: str, expected: tuple[str, str | None]
) -> None:
    assert command_input(text, is_intent) == expected


def test_deep_link_payload_is_capped_at_64_characters() -> None:
    choice = deep_link_choice("faq_" + "x" * 100, lambda name: name == "faq")
    assert choice is not None and len(choice) == 64


def test_text_update_becomes_inbound_message_with_update_id_and_language() -> None:
    message = to_inbound(update_from("message_text"), is_intent)
    assert message is not None
    assert (message.channel, message.sender_id, message.text) == ("telegram", "424242", "Habari yako")
    assert message.message_id == "tg-10000"
    assert message.locale_hint == "sw"
    assert message.choice is None
    assert message.conversation_id == "telegram:424242"


def test_deep_link_start_update_becomes_a_choice() -> None:
    message = to_inbound(update_from("command_start_deep_link"), is_intent)
    assert message is not None
    assert message.choice == "faq:passport-fees"
    assert message.message_id == "tg-10001"


def test_callback_query_becomes_choice_with_the_buttons_title() -> None:
    message = to_inbound(update_from("callback_query"), is_intent)
    assert message is not None
    assert (message.choice, message.text) == ("check_status", "Angalia ombi")
    assert (message.sender_id, message.message_id, message.locale_hint) == ("424242", "tg-10002", "sw")


def test_photo_without_caption_is_an_empty_message_and_caption_is_text() -> None:
    message = to_inbound(update_from("message_photo"), is_intent)
    assert message is not None and message.text == "" and message.choice is None
    captioned = to_inbound(update_from("message_photo", caption="passport fees?"), is_intent)
    assert captioned is not None and captioned.text == "passport fees?"


@pytest.mark.parametrize("fixture", ["message_group", "my_chat_member_blocked"])
def test_group_messages_and_membership_updates_are_ignored(fixture: str) -> None:
    assert to_inbound(update_from(fixture), is_intent) is None


def test_split_text_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = ["A" * 3000, "B" * 3000, "C" * 100]
    parts = split_text("\n\n".join(paragraphs), 4096)
    assert parts == ["A" * 3000, "B" * 3000 + "\n\n" + "C" * 100]
    lines = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    parts = split_text(lines, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert all(p.startswith("line ") for p in parts)  # every part starts at a line start
    assert "\n".join(parts) == lines
    words = " ".join(["neno"] * 2000)
    assert all(len(p) <= 4096 and not p.startswith(" ") for p in split_text(words, 4096))
    assert split_text("x" * 5000, 4096) == ["x" * 4096, "x" * 904]


def test_split_text_counts_utf16_units_like_telegram() -> None:
    emoji = "😀" * 3000  # 2 UTF-16 units each
    parts = split_text(emoji, 4096, utf16_length)
    assert all(utf16_length(p) <= 4096 for p in parts) and "".join(parts) == emoji


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("**34-page passport:** KES 7,500", "<b>34-page passport:</b> KES 7,500"),
        ("- one\n- two", "• one\n• two"),
        ("See https://ecitizen.go.ke.", 'See <a href="https://ecitizen.go.ke">https://ecitizen.go.ke</a>.'),
        ("<script>alert('x')</script>", "&lt;script&gt;alert('x')&lt;/script&gt;"),
        ("Fees & charges < 5 > 2", "Fees &amp; charges &lt; 5 &gt; 2"),
        ("https://x.test/?a=1&b=<2>", '<a href="https://x.test/?a=1&amp;b=">https://x.test/?a=1&amp;b=</a>&lt;2&gt;'),
        ("(see https://en.wikipedia.org/wiki/Nairobi_(city))",
         '(see <a href="https://en.wikipedia.org/wiki/Nairobi_(city)">https://en.wikipedia.org/wiki/Nairobi_(city)</a>)'),
        ("**Source:** https://ecitizen.go.ke/a?x='1'", '<b>Source:</b> <a href="https://ecitizen.go.ke/a?x=">https://ecitizen.go.ke/a?x=</a>\'1\''),
        ("2 ** 3 and **", "2 ** 3 and **"),
    ],
)
def test_markdown_becomes_safe_telegram_html(markdown: str, html: str) -> None:
    converted = markdown_to_telegram_html(markdown)
    assert converted == html
    assert visible_text(converted, "HTML")[1] is None  # Telegram can parse it


def test_faq_body_with_script_renders_as_visible_text() -> None:
    body = "**Note:** never paste <script>alert(1)</script> here.\n- Visit https://ecitizen.go.ke"
    [(html, markup)] = render_reply(TextReply(body))
    shown, problem = visible_text(html, "HTML")
    assert problem is None and markup is None
    assert shown == "Note: never paste <script>alert(1)</script> here.\n• Visit https://ecitizen.go.ke"


def test_choices_become_one_button_per_row_with_payload_as_callback_data() -> None:
    reply = ChoicesReply("Pick", (Choice("Passport fees", "faq:passport-fees"), Choice("Menu", "menu")))
    [(text, markup)] = render_reply(reply)
    assert text == "Pick"
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Passport fees", "faq:passport-fees")], [("Menu", "menu")]]


@pytest.mark.parametrize("payload", ["x" * 65, "faq:" + "é" * 31, "😀" * 17, ""])
def test_callback_data_over_64_bytes_fails_loudly(payload: str) -> None:
    with pytest.raises(CallbackDataTooLongError):
        choices_keyboard((Choice("Too long", payload),))


def test_callback_data_of_exactly_64_bytes_fits() -> None:
    assert choices_keyboard((Choice("Fits", "a" * 64),)).inline_keyboard[0][0].callback_data == "a" * 64


def test_over_long_payload_falls_back_to_numbered_text_and_logs_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reply = ChoicesReply("Pick one", (Choice("Good", "menu"), Choice("Bad", "x" * 70)))
    with caplog.at_level(logging.ERROR):
        [(text, markup)] = render_reply(reply)
    assert markup is None and text == "Pick one\n1. Good\n2. Bad"
    assert "64 bytes" in caplog.text


def test_long_choices_text_puts_the_keyboard_under_the_last_part() -> None:
    reply = ChoicesReply("\n\n".join(["p" * 3000] * 3), (Choice("OK", "menu"),))
    parts = render_reply(reply)
    assert len(parts) == 3
    assert [markup is not None for _, markup in parts] == [False, False, True]


def test_link_reply_is_text_with_a_url_button() -> None:
    [(text, markup)] = render_reply(LinkReply("Pay here", "https://pay.ecitizen.go.ke/x", "Open"))
    assert text == "Pay here"
    assert markup is not None
    button = markup.inline_keyboard[0][0]
    assert (button.text, button.url) == ("Open", "https://pay.ecitizen.go.ke/x")
    assert strip_html(text) == "Pay here"


def test_handoff_reply_is_plain_text_and_empty_text_sends_nothing() -> None:
    assert render_reply(HandoffReply("An agent <Amina> joined.", "T-1", "open")) == [
        ("An agent &lt;Amina&gt; joined.", None)]
    assert render_reply(TextReply("")) == []


def test_telegram_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSAIDIZI_TELEGRAM__TOKEN", "42:abc")
    monkeypatch.setenv("MSAIDIZI_TELEGRAM__WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("MSAIDIZI_TELEGRAM__MODE", "webhook")
    monkeypatch.setenv("MSAIDIZI_TELEGRAM__API_BASE_URL", "http://127.0.0.1:9")
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "42:abc"
    assert "42:abc" not in repr(settings)
    assert settings.telegram.mode == "webhook"
    assert settings.telegram.api_base_url == "http://127.0.0.1:9"
    assert telegram_problem(settings.telegram) is None


@pytest.mark.parametrize(
    ("telegram", "public_url", "status"),
    [
        (TelegramSettings(), None, "off (MSAIDIZI_TELEGRAM__TOKEN is not set)"),
        (TelegramSettings(token=SecretStr("1:a"), mode="webhook"), None,
         "off (webhook mode needs MSAIDIZI_TELEGRAM__WEBHOOK_SECRET)"),
        (TelegramSettings(token=SecretStr("1:a"), mode="webhook", webhook_secret=SecretStr("a b")),
         None, "off (MSAIDIZI_TELEGRAM__WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - (1-256))"),
        (TelegramSettings(token=SecretStr("1:a")), None, "long polling in this process"),
        (TelegramSettings(token=SecretStr("1:a"), mode="webhook", webhook_secret=SecretStr("s")),
         "https://bot.example.test",
         "webhook https://bot.example.test/webhooks/telegram (registered with setWebhook at start-up)"),
    ],
)
def test_status_line_says_whether_and_how_telegram_runs(
    telegram: TelegramSettings, public_url: str | None, status: str
) -> None:
    settings = BotSettings(_env_file=None, telegram=telegram)  # type: ignore[call-arg]
    settings.web.public_url = public_url
    assert telegram_status(settings) == status
