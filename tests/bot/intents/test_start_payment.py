"""Paying a bill: summary, phone change, M-Pesa prompt, every outcome pushed back, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Runtime
from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts


async def pushed_after(runtime: Runtime, sender: str, after: int) -> str:
    """Poll backend events once (the double's M-Pesa has answered); return the pushed texts."""
    assert runtime.events is not None
    await runtime.events.poll_once()
    messages = await runtime.store.messages_after(f"test:{sender}", after, direction="out")
    assert messages, "no push arrived"
    return "\n".join(str(m.body["text"]) for m in messages)


async def last_seq(runtime: Runtime, sender: str) -> int:
    messages = await runtime.store.messages_after(f"test:{sender}", 0)
    return messages[-1].seq if messages else 0


async def pay_from_phone(chat: DialogHarness, backend: BackendDouble, phone: str | None) -> str:
    """Link, start paying GC-2025-000456 (with another phone if given), confirm; return the push."""
    await start(chat, "en")
    await link(chat, backend)
    assert chat.runtime.events is not None
    await chat.runtime.events.poll_once()  # the consumer starts from "now"
    replies = await chat.say("I want to pay")
    shown = texts(replies)
    assert "GC-2025-000456" in shown and "KES 1,050" in shown and "KES 50" in shown
    if phone:
        await chat.say(choice="start_payment:phone")
        replies = await chat.say(phone)
        number = phone.replace(" ", "")
        assert f"2547*****{number[-3:]}" in texts(replies), texts(replies)
    replies = await chat.say(choice="start_payment:confirm")
    assert "Check your phone" in texts(replies)
    return await pushed_after(chat.runtime, chat.sender, await last_seq(chat.runtime, chat.sender))


async def test_payment_success_is_pushed_with_receipt(chat: DialogHarness, backend: BackendDouble) -> None:
    pushed = await pay_from_phone(chat, backend, None)
    assert "Payment received: KES 1,050 for GC-2025-000456. Receipt number:" in pushed


@pytest.mark.parametrize(("phone", "advice"), [
    ("0711 000 001", "your M-Pesa balance was not enough"),
    ("0711 001 032", "the M-Pesa prompt was cancelled on the phone"),
    ("0711 001 037", "your phone could not be reached in time"),
    ("0711 002 001", "the M-Pesa PIN was wrong"),
])
async def test_failed_payment_outcomes_give_plain_advice_and_a_retry(
    chat: DialogHarness, backend: BackendDouble, phone: str, advice: str
) -> None:
    pushed = await pay_from_phone(chat, backend, phone)
    assert "did not go through" in pushed and advice in pushed
    log = await chat.runtime.store.messages_after(f"test:{chat.sender}", 0, direction="out")
    retry = [c["payload"] for c in log[-1].body.get("choices", [])]
    assert any(p.startswith("start_payment:") for p in retry)


async def test_retry_after_failure_cannot_charge_twice(chat: DialogHarness, backend: BackendDouble) -> None:
    await pay_from_phone(chat, backend, "0711 001 032")
    log = await chat.runtime.store.messages_after(f"test:{chat.sender}", 0, direction="out")
    retry = next(c["payload"] for c in log[-1].body["choices"] if c["payload"].startswith("start"))
    replies = await chat.say(choice=retry)
    assert "start_payment:confirm" in choices_of(replies)
    await chat.say(choice="start_payment:confirm")
    before = await last_seq(chat.runtime, chat.sender)
    pushed = await pushed_after(chat.runtime, chat.sender, before)
    assert "Payment received" in pushed
    replies = await chat.say(choice=retry)  # the bill is paid now
    # the retry button carries the bill's internal number: the citizen is not shown it
    assert texts(replies) == chat.says(
        "en", "That bill is paid or no longer due: there is nothing more to pay for it.")


async def test_other_ways_to_pay_give_paybill_and_card_link(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    await chat.say("I want to pay")
    replies = await chat.say(choice="start_payment:other")
    shown = texts(replies)
    assert "222222" in shown and "account number" in shown
    assert any(r.kind == "link" and "/dev/card/" in r.url for r in replies)  # type: ignore[union-attr]


async def test_wrong_phone_is_reprompted(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    await chat.say("I want to pay")
    await chat.say(choice="start_payment:phone")
    replies = await chat.say("12345")
    assert "not a Kenyan mobile number" in texts(replies)


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_payment_summary_formats_kes_for_the_locale(chat: DialogHarness, backend: BackendDouble, locale: str) -> None:
    await start(chat, locale)
    await link(chat, backend)
    replies = await chat.say("nataka kulipa" if locale == "sw" else "I want to pay")
    expected = chat.runtime.translations.for_locale(locale).money(1050)
    assert expected in texts(replies)


async def test_second_payment_while_one_is_pending_offers_a_check_not_a_prompt(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    assert chat.runtime.events is not None
    backend.mpesa_delay = timedelta(seconds=90)  # the citizen takes a while to answer
    await start(chat, "en")
    await link(chat, backend)
    await chat.runtime.events.poll_once()
    await chat.say("I want to pay")
    assert "Check your phone" in texts(await chat.say(choice="start_payment:confirm"))
    await chat.say("I want to pay")
    replies = await chat.say(choice="start_payment:confirm")
    assert "still waiting for confirmation" in texts(replies)
    [check] = [p for p in choices_of(replies) if p.startswith("payment_check:")]
    assert [p.status for p in backend.payment_records.values()].count("pending") == 1  # one prompt
    backend.clock.advance(timedelta(seconds=90))  # the citizen pays; M-Pesa answers
    replies = await chat.say(choice=check)
    assert "Payment received" in texts(replies)
    before = await last_seq(chat.runtime, chat.sender)
    for _ in range(3):  # the event arrives too: it must not repeat the result
        await chat.runtime.events.poll_once()
    later = await chat.runtime.store.messages_after(f"test:{chat.sender}", before,
                                                    direction="out")
    # (the application's "submitted" status update may arrive; a second result may not)
    assert not any("Payment received" in str(m.body.get("text")) for m in later)
    replies = await chat.say(choice=check)  # a stale button says so, in words
    assert "already given you the result" in texts(replies)


async def test_payment_result_goes_to_the_chat_that_paid(
    chat: DialogHarness, backend: BackendDouble
) -> None:
    other = DialogHarness(chat.runtime)
    await start(chat, "en")
    await link(chat, backend)
    assert chat.runtime.events is not None
    await chat.runtime.events.poll_once()
    await chat.say("I want to pay")
    assert "Check your phone" in texts(await chat.say(choice="start_payment:confirm"))
    await start(other, "en")
    await link(other, backend)  # signed in later elsewhere: the most recent chat
    pushed = await pushed_after(chat.runtime, chat.sender, await last_seq(chat.runtime,
                                                                          chat.sender))
    assert "Payment received" in pushed
    others = await chat.runtime.store.messages_after(f"test:{other.sender}", 0, direction="out")
    assert not any("Payment received" in str(m.body.get("text")) for m in others)
