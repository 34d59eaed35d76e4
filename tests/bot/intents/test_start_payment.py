"""Paying a bill: summary, phone change, M-Pesa prompt, every outcome pushed back, retries."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import Runtime
from tests.bot.intents.conftest import LiveBackend
from tests.bot.intents.helpers import link, start
from tests.helpers.dialog import DialogHarness, choices_of, texts


async def pushed_after(runtime: Runtime, sender: str, after: int, timeout: float = 10.0) -> str:
    """Poll backend events until a push lands in the chat; return the pushed texts."""
    assert runtime.events is not None
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        await runtime.events.poll_once()
        messages = await runtime.store.messages_after(f"test:{sender}", after, direction="out")
        if messages:
            return "\n".join(str(m.body["text"]) for m in messages)
        await asyncio.sleep(0.1)
    raise AssertionError("no push arrived")


async def last_seq(runtime: Runtime, sender: str) -> int:
    messages = await runtime.store.messages_after(f"test:{sender}", 0)
    return messages[-1].seq if messages else 0


async def pay_from_phone(chat: DialogHarness, live_backend: LiveBackend, phone: str | None) -> str:
    """Link, start paying GC-2025-000456 (with another phone if given), confirm; return the push."""
    await start(chat, "en")
    await link(chat, live_backend)
    assert chat.runtime.events is not None
    await chat.runtime.events.poll_once()  # the consumer starts from "now"
    replies = await chat.say("I want to pay")
    shown = texts(replies)
    assert "GC-2025-000456" in shown and "KES 1,050" in shown and "KES 50" in shown
    if phone:
        await chat.say(choice="start_payment:phone")
        replies = await chat.say(phone)
        assert "2547*****" in texts(replies) or phone[-3:] in texts(replies)
    replies = await chat.say(choice="start_payment:confirm")
    assert "Check your phone" in texts(replies)
    return await pushed_after(chat.runtime, chat.sender, await last_seq(chat.runtime, chat.sender))


async def test_payment_success_is_pushed_with_receipt(chat: DialogHarness, live_backend: LiveBackend) -> None:
    pushed = await pay_from_phone(chat, live_backend, None)
    assert "Payment received: KES 1,050 for GC-2025-000456. Receipt number:" in pushed


@pytest.mark.parametrize(("phone", "advice"), [
    ("0711 000 001", "your M-Pesa balance was not enough"),
    ("0711 001 032", "the M-Pesa prompt was cancelled on the phone"),
    ("0711 001 037", "your phone could not be reached in time"),
    ("0711 002 001", "the M-Pesa PIN was wrong"),
])
async def test_failed_payment_outcomes_give_plain_advice_and_a_retry(
    chat: DialogHarness, live_backend: LiveBackend, phone: str, advice: str
) -> None:
    pushed = await pay_from_phone(chat, live_backend, phone)
    assert "did not go through" in pushed and advice in pushed
    log = await chat.runtime.store.messages_after(f"test:{chat.sender}", 0, direction="out")
    retry = [c["payload"] for c in log[-1].body.get("choices", [])]
    assert any(p.startswith("start_payment:") for p in retry)


async def test_retry_after_failure_cannot_charge_twice(chat: DialogHarness, live_backend: LiveBackend) -> None:
    await pay_from_phone(chat, live_backend, "0711 001 032")
    log = await chat.runtime.store.messages_after(f"test:{chat.sender}", 0, direction="out")
    retry = next(c["payload"] for c in log[-1].body["choices"] if c["payload"].startswith("start"))
    replies = await chat.say(choice=retry)
    assert "start_payment:confirm" in choices_of(replies)
    await chat.say(choice="start_payment:confirm")
    before = await last_seq(chat.runtime, chat.sender)
    pushed = await pushed_after(chat.runtime, chat.sender, before)
    assert "Payment received" in pushed
    replies = await chat.say(choice=retry)  # the bill is paid now
    assert "no unpaid bill" in texts(replies) or "nothing to pay" in texts(replies)


async def test_other_ways_to_pay_give_paybill_and_card_link(chat: DialogHarness, live_backend: LiveBackend) -> None:
    await start(chat, "en")
    await link(chat, live_backend)
    await chat.say("I want to pay")
    replies = await chat.say(choice="start_payment:other")
    shown = texts(replies)
    assert "222222" in shown and "account number" in shown
    assert any(r.kind == "link" and "/dev/card/" in r.url for r in replies)  # type: ignore[union-attr]


async def test_wrong_phone_is_reprompted(chat: DialogHarness, live_backend: LiveBackend) -> None:
    await start(chat, "en")
    await link(chat, live_backend)
    await chat.say("I want to pay")
    await chat.say(choice="start_payment:phone")
    replies = await chat.say("12345")
    assert "not a Kenyan mobile number" in texts(replies)


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_payment_summary_formats_kes_for_the_locale(chat: DialogHarness, live_backend: LiveBackend, locale: str) -> None:
    await start(chat, locale)
    await link(chat, live_backend)
    replies = await chat.say("nataka kulipa" if locale == "sw" else "I want to pay")
    expected = chat.runtime.translations.for_locale(locale).money(1050)
    assert expected in texts(replies)


async def test_second_payment_while_one_is_pending_offers_a_check_not_a_prompt(
    chat: DialogHarness, live_backend: LiveBackend
) -> None:
    simulator = live_backend.container.simulator
    assert simulator is not None and chat.runtime.events is not None
    simulator.delay = 1.5
    await start(chat, "en")
    await link(chat, live_backend)
    await chat.runtime.events.poll_once()
    await chat.say("I want to pay")
    assert "Check your phone" in texts(await chat.say(choice="start_payment:confirm"))
    await chat.say("I want to pay")
    replies = await chat.say(choice="start_payment:confirm")
    assert "still waiting for confirmation" in texts(replies)
    [check] = [p for p in choices_of(replies) if p.startswith("payment_check:")]
    assert len(simulator.transactions) == 1  # no second prompt for the bill
    await asyncio.sleep(2.0)  # the citizen pays; M-Pesa answers
    replies = await chat.say(choice=check)
    assert "Payment received" in texts(replies)
    before = await last_seq(chat.runtime, chat.sender)
    for _ in range(20):  # the event arrives too: it must not repeat the result
        await chat.runtime.events.poll_once()
        await asyncio.sleep(0.1)
    later = await chat.runtime.store.messages_after(f"test:{chat.sender}", before,
                                                    direction="out")
    # (the application's "submitted" status update may arrive; a second result may not)
    assert not any("Payment received" in str(m.body.get("text")) for m in later)
    replies = await chat.say(choice=check)  # a stale button says so, in words
    assert "already given you the result" in texts(replies)


async def test_payment_result_goes_to_the_chat_that_paid(
    chat: DialogHarness, live_backend: LiveBackend
) -> None:
    other = DialogHarness(chat.runtime)
    await start(chat, "en")
    await link(chat, live_backend)
    assert chat.runtime.events is not None
    await chat.runtime.events.poll_once()
    await chat.say("I want to pay")
    assert "Check your phone" in texts(await chat.say(choice="start_payment:confirm"))
    await start(other, "en")
    await link(other, live_backend)  # signed in later elsewhere: the most recent chat
    pushed = await pushed_after(chat.runtime, chat.sender, await last_seq(chat.runtime,
                                                                          chat.sender))
    assert "Payment received" in pushed
    others = await chat.runtime.store.messages_after(f"test:{other.sender}", 0, direction="out")
    assert not any("Payment received" in str(m.body.get("text")) for m in others)
