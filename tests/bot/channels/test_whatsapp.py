"""WhatsApp adapter without the network: signatures, notification parsing, rendering limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot.channels.whatsapp import parse_notification, signature_valid, whatsapp_status
from bot.channels.whatsapp_sender import choices_message, render_reply, template_message
from bot.config import BotSettings, WhatsAppSettings
from bot.core.messages import Choice, ChoicesReply, HandoffReply, LinkReply, TextReply
from tests.helpers.channel_drivers import load_fixture, sign
from tests.helpers.standins.graph import check_message

NUMBER = "106540352242922"
SECRET = b"whatsapp-app-secret-for-tests"


def options(*titles: str) -> tuple[Choice, ...]:
    return tuple(Choice(title, f"p{i}") for i, title in enumerate(titles))


def envelope(message: dict[str, object]) -> dict[str, object]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "254712345678", **message}


def test_signature_over_the_raw_body_is_checked_in_constant_time() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = sign(body, SECRET.decode())
    assert signature_valid(SECRET, body, good)
    assert signature_valid(SECRET, body, good.upper().replace("SHA256=", "sha256="))
    assert not signature_valid(SECRET, body + b" ", good)  # tampered body
    assert not signature_valid(b"other-secret", body, good)
    assert not signature_valid(SECRET, body, good.removeprefix("sha256="))
    assert not signature_valid(SECRET, body, "sha1=" + good[7:])
    assert not signature_valid(SECRET, body, None)
    assert not signature_valid(SECRET, body, "")


def test_text_message_becomes_inbound_with_wamid_and_sender_time() -> None:
    [message] = parse_notification(load_fixture("whatsapp/text.json"), NUMBER)
    assert (message.channel, message.sender_id) == ("whatsapp", "254712345678")
    assert message.text == "Pasipoti ni pesa ngapi?" and message.choice is None
    assert message.message_id.startswith("wamid.")
    assert message.received_at == datetime.fromtimestamp(1735725600, UTC)
    assert message.conversation_id == "whatsapp:254712345678"


@pytest.mark.parametrize(
    ("fixture", "choice", "text"),
    [("button_reply", "talk_to_human", "Talk to a person"),
     ("list_reply", "faq:passport-fees", "Passport fees")],
)
def test_interactive_replies_carry_the_id_as_choice(fixture: str, choice: str, text: str) -> None:
    [message] = parse_notification(load_fixture(f"whatsapp/{fixture}.json"), NUMBER)
    assert (message.choice, message.text) == (choice, text)


def test_template_quick_reply_button_is_a_choice() -> None:
    data = load_fixture("whatsapp/text.json")
    item = data["entry"][0]["changes"][0]["value"]["messages"][0]
    item.update(type="button", button={"payload": "check_status", "text": "Check status"})
    del item["text"]
    [message] = parse_notification(data, NUMBER)
    assert (message.choice, message.text) == ("check_status", "Check status")


@pytest.mark.parametrize("fixture", ["image", "location"])
def test_media_without_text_becomes_an_empty_message_for_the_core(fixture: str) -> None:
    [message] = parse_notification(load_fixture(f"whatsapp/{fixture}.json"), NUMBER)
    assert message.text == "" and message.choice is None


def test_image_caption_is_read_as_text() -> None:
    data = load_fixture("whatsapp/image.json")
    data["entry"][0]["changes"][0]["value"]["messages"][0]["image"]["caption"] = "Is this my ID?"
    [message] = parse_notification(data, NUMBER)
    assert message.text == "Is this my ID?"


@pytest.mark.parametrize("fixture", ["reaction", "status_delivered", "status_failed"])
def test_reactions_and_statuses_are_not_turns(fixture: str) -> None:
    assert parse_notification(load_fixture(f"whatsapp/{fixture}.json"), NUMBER) == []


def test_messages_for_another_number_or_object_are_ignored() -> None:
    data = load_fixture("whatsapp/text.json")
    assert parse_notification(data, "999") == []
    data["object"] = "page"
    assert parse_notification(data, NUMBER) == []


@pytest.mark.parametrize(
    "data",
    [{}, {"object": "whatsapp_business_account", "entry": "x"},
     {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]},
     {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages",
      "value": {"metadata": {"phone_number_id": NUMBER}, "messages": [{"type": "text"}, 5]}}]}]}],
)
def test_malformed_notifications_yield_nothing(data: dict[str, object]) -> None:
    assert parse_notification(data, NUMBER) == []


def test_three_short_choices_are_reply_buttons() -> None:
    [message] = choices_message(ChoicesReply("Pick", options("Yes", "No", "Menyu kuu")), "Options")
    interactive = message["interactive"]
    assert interactive["type"] == "button"
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "p0", "title": "Yes"}, {"id": "p1", "title": "No"}, {"id": "p2", "title": "Menyu kuu"}]
    assert check_message(envelope(message)) is None


@pytest.mark.parametrize(
    "titles",
    [("Yes", "No", "Maybe", "Later"), ("Yes, talk to a person", "No")],
    ids=["four-choices", "title-over-20"],
)
def test_more_than_three_or_long_titles_become_a_list(titles: tuple[str, ...]) -> None:
    [message] = choices_message(ChoicesReply("Pick", options(*titles)), "Chaguo")
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["action"]["button"] == "Chaguo"
    assert [r["title"] for r in interactive["action"]["sections"][0]["rows"]] == list(titles)
    assert check_message(envelope(message)) is None


def test_list_row_title_over_24_keeps_the_full_title_in_the_description() -> None:
    long_title = "Report a security problem"  # 25 characters
    very_long = "Kubadilisha ombi la kurasa 34 ambalo bado linashughulikiwa kuwa la kurasa 50 sasa"
    [message] = choices_message(ChoicesReply("Pick", options(long_title, very_long, "Short")), "Options")
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": "p0", "title": "Report a security probl…", "description": long_title}
    assert len(rows[1]["title"]) == 24 and len(rows[1]["description"]) == 72
    assert rows[1]["description"].endswith("…")
    assert rows[2] == {"id": "p2", "title": "Short"}
    assert check_message(envelope(message)) is None


def test_more_than_ten_choices_become_numbered_text() -> None:
    titles = [f"Topic {i}" for i in range(1, 12)]
    [message] = choices_message(ChoicesReply("Pick one", options(*titles)), "Options")
    assert message["type"] == "text"
    assert message["text"]["body"].splitlines() == ["Pick one"] + [f"{i}. Topic {i}" for i in range(1, 12)]


def test_body_over_1024_falls_back_to_text_with_numbered_options() -> None:
    body = "Maelezo " * 140  # 1,120 characters
    messages = choices_message(ChoicesReply(body, options("Yes", "No")), "Options")
    assert all(m["type"] == "text" for m in messages)
    assert messages[-1]["text"]["body"].endswith("1. Yes\n2. No")


def test_duplicate_payloads_fall_back_to_numbered_text() -> None:
    reply = ChoicesReply("Pick", (Choice("A", "same"), Choice("B", "same")))
    assert choices_message(reply, "Options")[0]["type"] == "text"


def test_long_text_is_split_under_4096_and_markdown_converted() -> None:
    text = "\n\n".join(["**Kichwa:** " + " ".join(["neno"] * 700)] * 3)
    messages = render_reply(TextReply(text), "Options")
    assert len(messages) == 3
    assert all(len(m["text"]["body"]) <= 4096 and check_message(envelope(m)) is None for m in messages)
    assert messages[0]["text"]["body"].startswith("*Kichwa:* neno")


def test_link_reply_is_text_with_a_preview() -> None:
    [message] = render_reply(LinkReply("Pay here", "https://pay.ecitizen.go.ke/x", "Open"), "Options")
    assert message["text"] == {"body": "Pay here\nhttps://pay.ecitizen.go.ke/x", "preview_url": True}


def test_handoff_reply_is_plain_text() -> None:
    [message] = render_reply(HandoffReply("An agent has joined.", "T-1", "open"), "Options")
    assert message["text"]["body"] == "An agent has joined."


def test_template_wraps_the_text_on_one_line_as_its_body_parameter() -> None:
    reply = ChoicesReply("Your passport is ready.\n\nCollect it at Nyayo House.", options("OK"))
    message = template_message(reply, "msaidizi_update", "sw")
    assert message["template"]["name"] == "msaidizi_update"
    assert message["template"]["language"] == {"code": "sw"}
    [parameter] = message["template"]["components"][0]["parameters"]
    assert parameter == {"type": "text",
                         "text": "Your passport is ready. Collect it at Nyayo House. 1. OK"}
    assert check_message(envelope(message)) is None


def test_whatsapp_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [("ACCESS_TOKEN", "EAAG"), ("APP_SECRET", "s"), ("VERIFY_TOKEN", "v"),
                        ("PHONE_NUMBER_ID", "1065"), ("API_VERSION", "v22.0"),
                        ("TEMPLATE_NAME", "msaidizi_update"), ("TEMPLATE_LANGUAGE", "en_US")]:
        monkeypatch.setenv(f"MSAIDIZI_WHATSAPP__{name}", value)
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.whatsapp.app_secret is not None
    assert settings.whatsapp.app_secret.get_secret_value() == "s"
    assert (settings.whatsapp.phone_number_id, settings.whatsapp.api_version) == ("1065", "v22.0")
    assert whatsapp_status(settings) == (
        "webhook at http://127.0.0.1:8000/webhooks/whatsapp; pushes after 24 h: "
        "template 'msaidizi_update'")


def test_status_line_names_every_missing_setting() -> None:
    settings = BotSettings(_env_file=None, whatsapp=WhatsAppSettings(  # type: ignore[call-arg]
        access_token=SecretStr("EAAG"), phone_number_id="1"))
    assert whatsapp_status(settings) == (
        "off (MSAIDIZI_WHATSAPP__APP_SECRET, MSAIDIZI_WHATSAPP__VERIFY_TOKEN not set)")
