"""action_escalate: a support ticket (slot `ticket`) and the live relay, or the contacts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Clients, build_runtime
from bot.clients.backend_http import HttpBackendClient
from bot.clients.offline import OfflineEscalation
from bot.config import BotSettings
from bot.knowledge.live import LiveKnowledge
from tests.bot.actions.conftest import serve_actions
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english
from tests.bot.intents.conftest import LiveBackend


@pytest.fixture
async def no_desk(bot_settings: BotSettings, fixture_knowledge: LiveKnowledge,
                  live_backend: LiveBackend) -> AsyncIterator[RasaConversation]:
    """Actions on a runtime whose backend client has no support desk (no escalation API)."""
    backend = HttpBackendClient(live_backend.url, "dev-service-key")
    runtime = build_runtime(bot_settings, migrate=False, knowledge=fixture_knowledge,
                            clients=Clients(backend, OfflineEscalation(), backend.aclose))
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
