"""action_escalate: a support ticket (slot `ticket`) and the live relay, or the contacts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Runtime, build_runtime
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.bot.actions.conftest import serve_actions
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.helpers.backend_double import BackendDouble, double_clients
from tests.helpers.live_backend import LiveBackend


@pytest.fixture
def action_runtime(live_runtime: Runtime) -> Runtime:
    """A ticket needs the escalation service of the real backend: these run over HTTP."""
    return live_runtime


@pytest.fixture
async def no_desk(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                  backend: BackendDouble) -> AsyncIterator[RasaConversation]:
    """Actions on a runtime whose backend has no support desk (no escalation API)."""
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge,
                            clients=double_clients(backend))
    async with serve_actions(runtime) as client:
        yield RasaConversation(client, runtime)
    await runtime.close()


async def test_escalate_opens_a_ticket_and_relays_what_the_citizen_writes_next(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    rasa.user("talk to a person")
    answer = await rasa.run("action_escalate")
    ticket = answer.slot("ticket")
    assert ticket and ticket.startswith("T-")
    assert f"I am bringing in a person from eCitizen support. Your ticket number is {ticket}." \
        in answer.texts

    parse = rasa.user("hello, my passport is late")  # Rasa routes it elsewhere...
    assert parse["intent"]["name"] != "talk_to_human"
    answer = await rasa.run("action_msaidizi")
    # ...but while the ticket waits for a person, the words go to the ticket
    assert f"A person will reply here as soon as they take your ticket {ticket}." in answer.texts


async def test_escalate_without_a_support_desk_gives_the_contacts(
    no_desk: RasaConversation,
) -> None:
    await in_english(no_desk)
    no_desk.user("talk to a person")
    answer = await no_desk.run("action_escalate")
    assert "Live chat with our support team is not available right now." in answer.texts
    assert "support@ecitizen.go.ke" in answer.texts
    with pytest.raises(KeyError):
        answer.slot("ticket")


# An urgent report brings in the security team through the escalation service: over HTTP.
async def test_report_with_a_correction_is_filed_with_a_reference(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    await link(rasa, live_backend)
    parse = rasa.user("someone hacked my account")
    assert parse["intent"]["name"] == "report_security_incident"
    started = await rasa.run("action_report_security")
    assert "I will help you report it. It takes a few short questions." in started.texts
    # the words made the category clear: straight to the details
    assert "Briefly, what happened? Please do not send any PIN or password." in started.texts
    assert started.slot("flow") == "report_security_incident"

    short = await rasa.say("ok")
    assert "Please describe what happened in a few words." in short.texts
    asked = await rasa.say("My password and phone number were changed without my knowledge")
    assert "When did it happen?" in asked.texts
    asked = await rasa.say("today")
    assert asked.buttons == ["report_security_incident:skip"]

    fixed = await rasa.say("no, it was yesterday")
    assert "Thanks, I have corrected it." in fixed.texts
    assert fixed.buttons == ["report_security_incident:skip"]  # asked again

    named = await rasa.say("report_security_incident:skip")
    assert named.buttons == ["report_security_incident:named", "report_security_incident:anonymous"]
    summary = await rasa.say("report_security_incident:named")
    when = next(line for line in summary.texts.splitlines() if line.startswith("- When:"))
    assert "yesterday" in when and "today" not in when
    assert summary.buttons[0] == "report_security_incident:send"

    rasa.user("report_security_incident:send")
    answer = await rasa.post("action_report_security")
    reference = answer.slot("report_reference")
    assert reference and f"Your report has been received. Reference: {reference}." in answer.texts
    assert "Reset your password at ecitizen.go.ke" in answer.texts  # account takeover advice
    assert "we have signed your account out of every chat" in answer.texts
    assert answer.slot("linked") is False  # the backend's protection signed the chat out
    assert "This report is marked urgent for the security team." in answer.texts
    # urgent: the core brings the security team in with a priority ticket
    ticket = answer.slot("ticket")
    assert f"Your ticket number is {ticket}." in answer.texts
    again = await rasa.repost()
    assert again.body == answer.body  # a retried call files nothing twice
