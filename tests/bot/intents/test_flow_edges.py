"""Every declared edge of every form is walked by a citizen's dialog, and nothing else is taken.

The form engine refuses an undeclared transition at run time; these dialogs prove that each
declared one is reachable (a declared edge nobody can walk is dead code, or a bug).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.app import Runtime
from bot.intents.forms import Form
from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, texts
from tests.helpers.live_backend import WANJIRU_ID

Script = Callable[[DialogHarness, BackendDouble], Awaitable[None]]


async def _walk(runtime: Runtime, backend: BackendDouble, flow: str,
                scripts: list[Script]) -> set[tuple[str, str]]:
    """Play each script in a new conversation; return the edges of `flow` they took."""
    taken: set[tuple[str, str]] = set()
    for script in scripts:
        chat = DialogHarness(runtime)
        await start(chat, "en")
        await script(chat, backend)
        taken |= {(source, target) for name, source, target in chat.transitions if name == flow}
    return taken


def _declared(runtime: Runtime, flow: str) -> set[tuple[str, str]]:
    handler = runtime.router.handler_for(flow)
    assert isinstance(handler, Form)
    return handler.edges.all()


# -- linking -----------------------------------------------------------------------------------

async def _link_happy(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say(choice="link_account")
    for said in ("maybe", "yes", "abc", WANJIRU_ID, "12"):
        await chat.say(said)
    await chat.say(backend.latest_code())


async def _link_after_consent(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say(choice="link_account")
    await chat.say("yes")
    await chat.say("cancel")
    await chat.say(choice="link_account")  # consent kept: straight to the ID number


async def _link_declined(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say(choice="link_account")
    await chat.say("no")


async def _link_gives_up_on_consent(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say(choice="link_account")
    for said in ("maybe", "perhaps", "dunno"):
        await chat.say(said)


async def _link_gives_up_on_identifier(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say(choice="link_account")
    for said in ("yes", "abc", "12", "hello"):
        await chat.say(said)


async def test_every_edge_of_linking_is_walked(action_runtime: Runtime,
                                               backend: BackendDouble) -> None:
    taken = await _walk(action_runtime, backend, "link_account", [
        _link_happy, _link_after_consent, _link_declined, _link_gives_up_on_consent,
        _link_gives_up_on_identifier])
    assert taken == _declared(action_runtime, "link_account")


# -- a security report -------------------------------------------------------------------------

async def _report_everything(chat: DialogHarness, backend: BackendDouble) -> None:
    await chat.say("report a security problem")
    for said in ("blah", "report_security_incident:phishing", "ok",
                 "A caller asked for my M-Pesa PIN", "whenever", "yesterday", "x y"):
        await (chat.say(choice=said) if ":" in said else chat.say(said))
    await chat.say(choice="report_security_incident:skip")
    await chat.say(choice="report_security_incident:change")
    for field, answer in (("category", "report_security_incident:data_leak"),
                          ("description", "My details were shown to someone else"),
                          ("when", "today"), ("reference", "SJK4XY12AB")):
        await chat.say(choice=f"report_security_incident:edit-{field}")
        await (chat.say(choice=answer) if ":" in answer else chat.say(answer))
    await chat.say("no, it was yesterday")
    await chat.say("hmm")
    await chat.say(choice="report_security_incident:send")


async def _report_signed_in(chat: DialogHarness, backend: BackendDouble) -> None:
    await link(chat, backend)
    await chat.say("someone hacked my account")
    for said in ("They changed my phone number", "yesterday"):
        await chat.say(said)
    await chat.say("no, it was today")  # a correction while the reference is asked
    await chat.say(choice="report_security_incident:skip")
    await chat.say("hmm")
    await chat.say("no, it was yesterday")
    await chat.say(choice="report_security_incident:named")


def _report_gives_up(at: str, setup: list[str], wrong: str, *, signed_in: bool = False) -> Script:
    async def script(chat: DialogHarness, backend: BackendDouble) -> None:
        if signed_in:
            await link(chat, backend)
        await chat.say("report a security problem")
        for said in setup:
            await (chat.say(choice=said) if ":" in said else chat.say(said))
        for _ in range(3):
            await chat.say(wrong)
    script.__name__ = f"gives_up_at_{at}"
    return script


async def test_every_edge_of_a_security_report_is_walked(action_runtime: Runtime,
                                                          backend: BackendDouble) -> None:
    before = ["report_security_incident:phishing", "A caller asked for my M-Pesa PIN",
              "yesterday"]
    taken = await _walk(action_runtime, backend, "report_security_incident", [
        _report_everything, _report_signed_in,
        _report_gives_up("category", [], "blah"),
        _report_gives_up("description", before[:1], "ok"),
        _report_gives_up("when", before[:2], "whenever"),
        _report_gives_up("reference", before, "x y"),
        _report_gives_up("anonymous", [*before, "report_security_incident:skip"], "hmm",
                         signed_in=True),
        _report_gives_up("confirm", [*before, "report_security_incident:skip"], "hmm"),
    ])
    assert taken == _declared(action_runtime, "report_security_incident")


# -- paying a bill -----------------------------------------------------------------------------

async def _pay_one_bill(chat: DialogHarness, backend: BackendDouble) -> None:
    await link(chat, backend)
    await chat.say("I want to pay")  # one unpaid bill: its summary at once
    await chat.say(choice="start_payment:phone")
    for said in ("123", "0712 345 678"):
        await chat.say(said)
    backend.down = True
    await chat.say(choice="start_payment:confirm")  # the backend is down: still confirming
    backend.down = False
    await chat.say(choice="start_payment:confirm")


async def _pay_gives_up_on_the_phone(chat: DialogHarness, backend: BackendDouble) -> None:
    await link(chat, backend)
    await chat.say("I want to pay")
    await chat.say(choice="start_payment:phone")
    for said in ("123", "abc", "0000"):
        await chat.say(said)


async def _pay_chooses_among_bills(chat: DialogHarness, backend: BackendDouble) -> None:
    wanjiru = backend.citizen_by_id_number(WANJIRU_ID)
    for service in ("birth_certificate", "good_conduct"):  # two more, whatever was paid
        _, bill = backend.add_application(wanjiru.id, service)
    assert bill is not None
    linked = texts(await link(chat, backend))
    assert "Wanjiru" in linked, chat.transcript
    asked = texts(await chat.say("I want to pay"))  # several unpaid bills: which one?
    assert "Which bill would you like to pay?" in asked, chat.transcript
    await chat.say(choice="start_payment:bill-999999")  # a stale button: asked again
    await chat.say(choice=f"start_payment:bill-{bill.id}")


async def test_every_edge_of_paying_a_bill_is_walked(action_runtime: Runtime,
                                                      backend: BackendDouble) -> None:
    taken = await _walk(action_runtime, backend, "start_payment", [
        _pay_gives_up_on_the_phone, _pay_one_bill, _pay_chooses_among_bills])
    assert taken == _declared(action_runtime, "start_payment")


@pytest.mark.parametrize("flow", ["link_account", "report_security_incident", "start_payment"])
def test_every_state_is_reached_and_left(action_runtime: Runtime, flow: str) -> None:
    handler = action_runtime.router.handler_for(flow)
    assert isinstance(handler, Form)
    edges = handler.edges.all()
    reached = {target for _, target in edges}
    assert set(handler.states) <= reached  # no state without a way in
    assert set(handler.states) <= {source for source, _ in edges}  # nor without a way on
