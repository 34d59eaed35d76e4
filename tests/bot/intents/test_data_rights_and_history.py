"""Payment history and receipts, my data, delete my data, and an expired sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.app import Runtime
from bot.core.messages import LinkReply
from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts


async def test_payment_history_lists_payments_and_opens_a_receipt(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("show my payments")
    assert "DL-2025-000789" in texts(replies)
    receipt = next(p for p in choices_of(replies) if p.startswith("receipt:"))
    replies = await chat.say(choice=receipt)
    link_reply = replies[0]
    assert isinstance(link_reply, LinkReply)  # the page itself opens in test_end_to_end.py
    assert f"/receipts/{receipt.split(':')[1]}?exp=" in link_reply.url


@pytest.mark.parametrize(("locale", "words"), [("en", "what data do you have about me"), ("sw", "data yangu")])
async def test_my_data_shows_what_is_held_masked(chat: DialogHarness, backend: BackendDouble, locale: str, words: str) -> None:
    await start(chat, locale)
    await link(chat, backend)
    replies = await chat.say(words)
    shown = texts(replies)
    assert "12345678" not in shown and "254712345678" not in shown
    t = chat.runtime.translations.for_locale(locale)
    for label, value in (("First name", "Wanjiru"), ("Last name", "Kamau"),
                         ("ID number", "******78"), ("Phone number", "2547*****678")):
        assert f"- {t.gettext(label)}: {value}\n" in shown, (label, shown)


async def test_my_data_in_swahili_has_no_english_field_names_or_codes(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    await start(chat, "sw")
    await link(chat, backend)
    shown = texts(await chat.say("data yangu"))
    assert "Lugha yako: Kiswahili" in shown and "Jina la kwanza:" in shown
    for english in ("first_name", "First name", "audit", "Applications", "Lugha yako: sw"):
        assert english not in shown, english
    assert re.search(r"\d{4}-\d{2}-\d{2}", shown) is None  # dates as Kenyans write them


async def test_delete_my_data_erases_transcript_after_confirmation(chat: DialogHarness, backend: BackendDouble, action_runtime: Runtime) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("delete my data")
    assert choices_of(replies) == ["delete_my_data:yes", "delete_my_data:no"]
    await chat.say(choice="delete_my_data:yes")
    log = await action_runtime.store.messages_after(f"test:{chat.sender}", 0)
    assert len(log) == 1 and log[0].direction == "out" and "erased" in str(log[0].body["text"])
    session = await action_runtime.store.load_by_id(f"test:{chat.sender}")
    assert "auth" not in session.data and "consent" not in session.data
    assert "history" not in session.to_record()  # the exchange lives in the log only


async def test_delete_my_data_can_be_declined(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await chat.say("delete my data")
    replies = await chat.say(choice="delete_my_data:no")
    assert "nothing was deleted" in texts(replies)


async def test_expired_sign_in_asks_again_then_carries_on(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    backend.clock.advance(timedelta(days=31))  # the backend's token has expired
    replies = await chat.say("show my applications")
    assert "Your sign-in in this chat has expired" in texts(replies)
    await chat.say("12345678")  # consent was given before: straight to the ID
    replies = await chat.say(backend.latest_code())
    assert "check_status:PP-2025-000123" in choices_of(replies)  # the waiting action carried on
