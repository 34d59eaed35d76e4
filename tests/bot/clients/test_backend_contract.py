"""One contract, two implementations: the HTTP client on the real backend, and the test double.

Every assertion here runs against both, so the in-process double the dialog tests use cannot
drift from what the real backend does through the port (tests/helpers/backend_double.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import pytest

from bot.clients.backend_http import HttpBackendClient
from bot.core.backend import (
    BackendClient,
    ChatAuth,
    NotFound,
    Payment,
    Rejected,
    ReportDraft,
    SignInNeeded,
)
from bot.core.placeholders import Fee
from common.timezone import utcnow
from tests.helpers.backend_double import BackendDouble
from tests.helpers.live_backend import SERVICE_KEY, WANJIRU_ID, WANJIRU_PHONE, LiveBackend

CHAT = "test:contract"


class Controls(Protocol):
    """What the test does outside the port: read the SMS, move time."""

    def latest_code(self, to: str = WANJIRU_PHONE) -> str:
        """Return the newest code sent to `to`."""
        ...

    def advance(self, by: timedelta) -> None:
        """Move the backend's time forward."""
        ...


@dataclass
class World:
    """A backend behind the port, and the controls a test needs around it."""

    kind: str
    port: BackendClient
    controls: Controls

    async def settled(self, auth: ChatAuth, payment_id: int) -> Payment:
        """Return the payment once M-Pesa has answered the prompt (the simulator: soon)."""
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            payment = await self.port.payment(auth, payment_id)
            if payment.status != "pending":
                return payment
            assert asyncio.get_running_loop().time() < deadline, payment
            await asyncio.sleep(0.05)  # the real simulator answers on its own thread

    async def sign_in(self, identifier: str = WANJIRU_ID, chat: str = CHAT) -> ChatAuth:
        """Link Wanjiru's account to `chat`; return the sign-in."""
        await self.port.request_code(identifier, chat)
        linked = await self.port.verify_code(identifier, self.controls.latest_code(), chat)
        return ChatAuth(linked.token, chat)


@dataclass
class LiveControls:
    backend: LiveBackend

    def latest_code(self, to: str = WANJIRU_PHONE) -> str:
        return self.backend.latest_code(to)

    def advance(self, by: timedelta) -> None:
        self.backend.container.clock.advance(by)


@dataclass
class DoubleControls:
    double: BackendDouble

    def latest_code(self, to: str = WANJIRU_PHONE) -> str:
        return self.double.latest_code(to)

    def advance(self, by: timedelta) -> None:
        self.double.clock.advance(by)


@pytest.fixture(params=["double", "http"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    if request.param == "double":
        double = BackendDouble.seeded()
        yield World("double", double, DoubleControls(double))
        return
    live: LiveBackend = request.getfixturevalue("live_backend")
    client = HttpBackendClient(live.url, SERVICE_KEY)
    try:
        yield World("http", client, LiveControls(live))
    finally:
        await client.aclose()


# -- signing in ---------------------------------------------------------------------------------

@pytest.mark.parametrize("identifier", [WANJIRU_ID, "0712 345 678"])
async def test_a_code_signs_the_citizen_in_by_id_or_phone(world: World, identifier: str) -> None:
    await world.port.request_code(identifier, CHAT)
    linked = await world.port.verify_code(identifier, world.controls.latest_code(), CHAT)
    assert (linked.first_name, linked.preferred_language) == ("Wanjiru", "sw")
    assert timedelta(days=29) < linked.expires_at - utcnow() <= timedelta(days=30)
    chats, language = await world.port.chat_identities(linked.citizen_id)
    assert [(c.channel, c.sender_id) for c in chats] == [("test", "contract")] and language == "sw"


async def test_an_unknown_identifier_is_answered_alike_and_no_code_verifies(world: World) -> None:
    await world.port.request_code("99999999", CHAT)  # no error: nobody learns it is unknown
    with pytest.raises(Rejected) as refused:
        await world.port.verify_code("99999999", "123456", CHAT)
    assert refused.value.kind == "otp-invalid"


async def test_four_wrong_codes_are_refused_and_the_fifth_locks_even_the_right_one(
    world: World,
) -> None:
    await world.port.request_code(WANJIRU_ID, CHAT)
    code = world.controls.latest_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    kinds = []
    for _ in range(5):
        with pytest.raises(Rejected) as refused:
            await world.port.verify_code(WANJIRU_ID, wrong, CHAT)
        kinds.append(refused.value.kind)
    assert kinds == ["otp-invalid"] * 4 + ["otp-locked"]
    with pytest.raises(Rejected) as locked:
        await world.port.verify_code(WANJIRU_ID, code, CHAT)
    assert locked.value.kind == "otp-locked"
    assert locked.value.retry_after is not None and 0 < locked.value.retry_after <= 15 * 60


async def test_a_code_expires_and_a_new_one_waits_a_minute(world: World) -> None:
    await world.port.request_code(WANJIRU_ID, CHAT)
    code = world.controls.latest_code()
    with pytest.raises(Rejected) as too_soon:
        await world.port.request_code(WANJIRU_ID, CHAT)
    assert too_soon.value.kind == "rate-limited" and too_soon.value.retry_after
    world.controls.advance(timedelta(minutes=6))
    with pytest.raises(Rejected) as expired:
        await world.port.verify_code(WANJIRU_ID, code, CHAT)
    assert expired.value.kind == "otp-invalid"
    await world.port.request_code(WANJIRU_ID, CHAT)
    fresh = world.controls.latest_code()
    assert (await world.port.verify_code(WANJIRU_ID, fresh, CHAT)).first_name == "Wanjiru"


async def test_a_sign_in_ends_on_logout_on_expiry_and_in_another_chat(world: World) -> None:
    auth = await world.sign_in()
    with pytest.raises(SignInNeeded):
        await world.port.applications(ChatAuth(auth.token, "test:elsewhere"))
    await world.port.logout(auth)
    with pytest.raises(SignInNeeded):
        await world.port.applications(auth)
    world.controls.advance(timedelta(minutes=2))  # the next code may be asked for
    again = await world.sign_in()
    world.controls.advance(timedelta(days=31))
    with pytest.raises(SignInNeeded):
        await world.port.applications(again)


# -- applications and bills ---------------------------------------------------------------------

async def test_applications_their_next_steps_and_bills(world: World) -> None:
    auth = await world.sign_in()
    listed = {a.reference: a for a in await world.port.applications(auth)}
    assert {r: (a.status, a.next_step.code) for r, a in listed.items()} == {
        "PP-2025-000123": ("under_review", "wait"),
        "GC-2025-000456": ("pending_payment", "pay"),
        "DL-2025-000789": ("approved", "wait"),
    }
    assert listed["PP-2025-000123"].service_name("sw") == "pasipoti ya kawaida ya kurasa 34"
    one = await world.port.application(auth, "GC-2025-000456")
    step, bill = one.next_step, one.bill
    assert bill is not None and (bill.amount, bill.fee, bill.total, bill.status) == (
        1000, 50, 1050, "unpaid")
    assert (step.bill_id, step.amount_due, step.paybill, step.account_number) == (
        bill.id, 1050, "222222", bill.account_number)
    assert [h.status for h in one.history] == ["draft", "pending_payment"]
    assert [b.reference for b in await world.port.bills(auth)] == ["GC-2025-000456"]
    every = await world.port.bills(auth, unpaid_only=False)
    assert sorted((b.reference, b.status) for b in every) == [
        ("DL-2025-000789", "paid"), ("GC-2025-000456", "unpaid"), ("PP-2025-000123", "paid")]


@pytest.mark.parametrize("reference", ["PP-2025-999999", "BN-2025-000801"])
async def test_an_unknown_or_someone_elses_application_is_not_found(
    world: World, reference: str
) -> None:
    auth = await world.sign_in()
    with pytest.raises(NotFound):
        await world.port.application(auth, reference)


# -- paying -------------------------------------------------------------------------------------

async def _gc_bill(world: World, auth: ChatAuth) -> int:
    [bill] = await world.port.bills(auth)
    return bill.id


async def test_an_mpesa_payment_settles_pays_the_bill_and_gives_a_receipt(world: World) -> None:
    auth = await world.sign_in()
    _, latest = await world.port.events(0, limit=1)
    bill_id = await _gc_bill(world, auth)
    started = await world.port.start_payment(auth, bill_id, "mpesa", None, "key-1")
    assert (started.status, started.amount, started.phone_masked, started.existing) == (
        "pending", 1050, "2547*****678", False)
    # no second prompt for the bill, whether or not M-Pesa answered the first meanwhile (the
    # live simulator answers after 0.1 s, which a loaded machine can take between two calls)
    again: Payment | str
    try:
        again = await world.port.start_payment(auth, bill_id, "mpesa", None, "key-2")
    except Rejected as answered:
        again = answered.kind
    assert again == "bill-already-paid" or (
        not isinstance(again, str) and again.id == started.id and again.existing)
    paid = await world.settled(auth, started.id)
    assert paid.status == "succeeded" and paid.receipt_no
    events, _ = await world.port.events(latest)
    kinds = [(e.type, e.payload.get("to_status")) for e in events]
    assert ("payment.succeeded", None) in kinds
    assert ("application.status_changed", "submitted") in kinds
    result = next(e for e in events if e.type == "payment.succeeded")
    assert result.payload["conversation_id"] == CHAT
    assert result.payload["receipt_no"] == paid.receipt_no and result.payload["amount_kes"] == 1050
    assert await world.port.bills(auth) == []
    assert (await world.port.application(auth, "GC-2025-000456")).status == "submitted"
    with pytest.raises(Rejected) as refused:
        await world.port.start_payment(auth, bill_id, "mpesa", None, "key-3")
    assert refused.value.kind == "bill-already-paid"
    receipt = await world.port.receipt(auth, paid.receipt_no)
    assert (receipt.reference, receipt.amount, receipt.method) == ("GC-2025-000456", 1050, "mpesa")
    assert f"/receipts/{paid.receipt_no}?exp=" in receipt.url
    history = await world.port.payments(auth)
    assert history[0].id == started.id and len(history) == 3  # newest first, the seed's two after


@pytest.mark.parametrize(("phone", "reason"), [
    ("254711000001", "insufficient_funds"), ("254711001032", "cancelled_by_user"),
    ("254711001037", "timeout"), ("254711002001", "wrong_pin"),
])
async def test_a_refused_prompt_fails_with_a_reason_and_leaves_the_bill_unpaid(
    world: World, phone: str, reason: str
) -> None:
    auth = await world.sign_in()
    _, latest = await world.port.events(0, limit=1)
    started = await world.port.start_payment(auth, await _gc_bill(world, auth), "mpesa", phone,
                                             "key-1")
    failed = await world.settled(auth, started.id)
    assert (failed.status, failed.failure_reason, failed.receipt_no) == ("failed", reason, None)
    events, _ = await world.port.events(latest)
    [result] = [e for e in events if e.type.startswith("payment.")]
    assert (result.type, result.payload["reason"]) == ("payment.failed", reason)
    assert [b.reference for b in await world.port.bills(auth)] == ["GC-2025-000456"]


async def test_a_card_payment_gives_its_checkout_page(world: World) -> None:
    auth = await world.sign_in()
    card = await world.port.start_payment(auth, await _gc_bill(world, auth), "card", None, "k")
    assert card.status == "pending" and card.checkout_url and card.phone_masked is None
    assert card.checkout_url.endswith(f"/dev/card/{card.id}")


async def test_a_bank_transfer_gives_the_paybill_and_account(world: World) -> None:
    auth = await world.sign_in()
    [bill] = await world.port.bills(auth)
    bank = await world.port.start_payment(auth, bill.id, "bank", None, "k")
    assert bank.status == "awaiting_transfer" and bank.bank is not None
    assert (bank.bank.paybill, bank.bank.account_number, bank.bank.amount) == (
        "222222", bill.account_number, 1050)
    again = await world.port.start_payment(auth, bill.id, "bank", None, "k2")
    assert again.id == bank.id and again.existing


async def test_a_bank_transfer_while_a_prompt_is_open_returns_that_attempt(world: World) -> None:
    auth = await world.sign_in()
    bill_id = await _gc_bill(world, auth)
    card = await world.port.start_payment(auth, bill_id, "card", None, "k1")
    bank = await world.port.start_payment(auth, bill_id, "bank", None, "k2")
    assert (bank.id, bank.method, bank.existing) == (card.id, "card", True)


async def test_a_repeated_idempotency_key_returns_the_same_payment(world: World) -> None:
    auth = await world.sign_in()
    bill_id = await _gc_bill(world, auth)
    first = await world.port.start_payment(auth, bill_id, "mpesa", None, "same-key")
    second = await world.port.start_payment(auth, bill_id, "mpesa", None, "same-key")
    assert second.id == first.id


# -- reports, data, catalogue -------------------------------------------------------------------

async def test_an_anonymous_report_is_filed_without_protection(world: World) -> None:
    draft = ReportDraft("phishing", "A caller asked for my M-Pesa PIN", anonymous=True)
    filed = await world.port.file_report(None, draft, "report-1")
    assert (filed.category, filed.severity, filed.status, filed.protection_applied) == (
        "phishing", "medium", "received", ())
    assert filed.reference.startswith("SR-")
    assert await world.port.file_report(None, draft, "report-1") == filed  # a resend: the same


async def test_a_named_takeover_report_signs_the_citizen_out_and_locks_sign_in(
    world: World,
) -> None:
    auth = await world.sign_in()
    draft = ReportDraft("account_takeover", "Someone changed my phone number")
    filed = await world.port.file_report(auth, draft, "report-2")
    assert filed.severity == "high"
    assert set(filed.protection_applied) == {"tokens_revoked", "signin_locked"}
    with pytest.raises(SignInNeeded):
        await world.port.applications(auth)
    world.controls.advance(timedelta(minutes=2))
    await world.port.request_code(WANJIRU_ID, CHAT)  # answered alike, but no code can work
    with pytest.raises(Rejected) as refused:
        await world.port.verify_code(WANJIRU_ID, "123456", CHAT)
    assert refused.value.kind == "otp-invalid"


async def test_my_data_holds_the_profile_and_every_record(world: World) -> None:
    auth = await world.sign_in()
    data = await world.port.my_data(auth)
    profile = data["profile"]
    assert (profile["first_name"], profile["last_name"], profile["id_number"],
            profile["phone"], profile["preferred_language"]) == (
        "Wanjiru", "Kamau", WANJIRU_ID, WANJIRU_PHONE, "sw")
    counts = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    assert {k: counts[k] for k in ("applications", "bills", "payments", "receipts",
                                   "security_reports", "chat_sessions")} == {
        "applications": 3, "bills": 3, "payments": 2, "receipts": 2, "security_reports": 0,
        "chat_sessions": 1}


async def test_the_catalogue_bills_the_fee_and_the_convenience_fee(world: World) -> None:
    services = {s.code: s for s in await world.port.services()}
    assert services["good_conduct"].fee == Fee(1000, 50)
    assert services["vehicle_inspection"].names["sw"] == "ukaguzi wa gari"
    assert len(services) >= 14


async def test_events_after_the_newest_are_none(world: World) -> None:
    _, latest = await world.port.events(0, limit=1)
    events, newest = await world.port.events(latest)
    assert list(events) == [] and newest == latest


async def test_chats_are_listed_most_recently_used_first(world: World) -> None:
    await world.sign_in(chat="test:first")
    world.controls.advance(timedelta(minutes=2))
    auth = await world.sign_in(chat="test:second")
    linked = await world.port.applications(auth)
    assert linked
    session = await world.port.my_data(auth)
    citizen_id = int(session["profile"]["id"])
    chats, _ = await world.port.chat_identities(citizen_id)
    assert [c.sender_id for c in chats] == ["second", "first"]
