"""The main account dialogs end to end: the assistant and the real backend over HTTP.

The other intent dialogs run against the in-process backend double, which the contract tests
(tests/bot/clients/test_backend_contract.py) hold to the real backend's behaviour; these keep
the whole path honest: wire format, the SMS outbox, the M-Pesa simulator's callback, the
receipt page.
"""

from __future__ import annotations

import asyncio

import httpx

from bot.app import Runtime
from bot.core.messages import LinkReply
from tests.bot.intents.helpers import LINKED, link, start
from tests.helpers.dialog import DialogHarness, choices_of, texts
from tests.helpers.live_backend import WANJIRU_ID, LiveBackend


async def test_link_account_over_http(live_chat: DialogHarness, live_backend: LiveBackend) -> None:
    await start(live_chat, "en")
    await live_chat.say(choice="link_account")
    await live_chat.say(choice="link_account:agree")
    await live_chat.say(WANJIRU_ID)
    replies = await live_chat.say(live_backend.latest_code())
    assert texts(replies).startswith(live_chat.says("en", LINKED, name="Wanjiru"))
    session = await live_chat.runtime.store.load_by_id(f"test:{live_chat.sender}")
    assert session is not None and session.data["auth"]["first_name"] == "Wanjiru"


async def test_check_status_over_http(live_chat: DialogHarness, live_backend: LiveBackend) -> None:
    await start(live_chat, "sw")
    await live_chat.say("hali ya ombi langu pp 2025 000123")  # consent first: the question waits
    await live_chat.say(choice="link_account:agree")
    await live_chat.say(WANJIRU_ID)
    replies = await live_chat.say(live_backend.latest_code())
    assert ("Ombi lako la pasipoti ya kawaida ya kurasa 34 (PP-2025-000123) linashughulikiwa."
            in texts(replies))


async def pushed_after(runtime: Runtime, sender: str, after: int, timeout: float = 10.0) -> str:
    """Poll backend events until the simulator's result is pushed to the chat (or time out)."""
    assert runtime.events is not None
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        await runtime.events.poll_once()
        messages = await runtime.store.messages_after(f"test:{sender}", after, direction="out")
        if messages:
            return "\n".join(str(m.body["text"]) for m in messages)
        await asyncio.sleep(0.05)  # a condition polled with a deadline, not a timed wait
    raise AssertionError("no push arrived")


async def test_pay_over_http_pushes_the_result_and_the_receipt_opens(
    live_chat: DialogHarness, live_backend: LiveBackend
) -> None:
    runtime = live_chat.runtime
    await start(live_chat, "en")
    await link(live_chat, live_backend)
    assert runtime.events is not None
    await runtime.events.poll_once()  # the consumer starts from "now"
    await live_chat.say("I want to pay")
    replies = await live_chat.say(choice="start_payment:confirm")
    assert "Check your phone" in texts(replies)
    log = await runtime.store.messages_after(f"test:{live_chat.sender}", 0)
    pushed = await pushed_after(runtime, live_chat.sender, log[-1].seq)
    assert "Payment received: KES 1,050 for GC-2025-000456. Receipt number:" in pushed
    replies = await live_chat.say("show my payments")
    receipt = next(p for p in choices_of(replies) if p.startswith("receipt:"))
    [link_reply] = await live_chat.say(choice=receipt)
    assert isinstance(link_reply, LinkReply)
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(link_reply.url)
    assert page.status_code == 200 and receipt.split(":")[1] in page.text
