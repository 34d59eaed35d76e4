"""Bringing in a person: tickets, relay both ways, rating, ticket status, triggers, channels."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.app import Runtime
from bot.core.messages import InboundMessage
from tests.bot.intents.helpers import link, start
from tests.escalation.helpers import Console
from tests.helpers.dialog import DialogHarness, choices_of, texts
from tests.helpers.live_backend import LiveBackend

AGENT = "agent@example.go.ke", "demo-agent-2025"
QUEUE = "You are number %(position)d in the queue; the wait is about %(minutes)d minute."
QUEUE_PLURAL = "You are number %(position)d in the queue; the wait is about %(minutes)d minutes."
CLOSED = ("Our support team is not at work now. Someone will answer from %(when)s; your "
          "messages will wait in the ticket.")


# A person in the loop needs the escalation service, which lives in the real backend: these
# dialogs run end to end over HTTP.
@pytest.fixture
def action_runtime(live_runtime: Runtime) -> Runtime:
    return live_runtime


@pytest.fixture
def chat(live_chat: DialogHarness) -> DialogHarness:
    return live_chat


@pytest.fixture
def agent(live_backend: LiveBackend) -> Iterator[Console]:
    console = Console(live_backend, *AGENT)  # type: ignore[arg-type]
    console.put("/me/availability", {"accepting": False})  # claims are the agent's choice here
    yield console
    console.close()


def ticket_number(replies_text: str) -> str:
    import re

    found = re.search(r"T-\d{6}", replies_text)
    assert found, replies_text
    return found.group(0)


async def pushed(runtime: Runtime, sender: str, after: int, contains: str,
                 channel: str = "test") -> str:
    """Poll backend events until a push containing `contains` reaches the chat."""
    assert runtime.events is not None
    for _ in range(100):
        await runtime.events.poll_once()
        log = await runtime.store.messages_after(f"{channel}:{sender}", after, direction="out")
        text = "\n".join(str(m.body["text"]) for m in log)
        if contains in text:
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"no push with {contains!r}")


async def last_seq(runtime: Runtime, cid: str) -> int:
    log = await runtime.store.messages_after(cid, 0)
    return log[-1].seq if log else 0


def service(backend: LiveBackend) -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"X-Service-Key": "dev-service-key"},
                        timeout=30)


@pytest.mark.parametrize(("locale", "words"), [("en", "I want to talk to a person"),
                                               ("sw", "nataka kuongea na mtu")])
async def test_request_opens_a_ticket_and_relays_both_ways_until_closed(
    chat: DialogHarness, live_backend: LiveBackend, agent: Console, locale: str, words: str
) -> None:
    runtime = chat.runtime
    assert runtime.events is not None
    await start(chat, locale)
    await runtime.events.poll_once()  # the consumer starts from "now"
    replies = await chat.say(words)
    number = ticket_number(texts(replies))
    t = runtime.translations.for_locale(locale)
    queue = t.ngettext(QUEUE, QUEUE_PLURAL, 1).split("%(position)d")[0] + "1 "
    closed = t.gettext(CLOSED).split("%(when)s")[0]
    # first in the queue; or, outside the support team's hours, when they will answer
    assert queue in texts(replies) or closed in texts(replies), texts(replies)
    replies = await chat.say("My passport application is late")
    assert number in texts(replies)  # "received; a person will reply ..."
    assert agent.post(f"/tickets/{number}/claim").status_code == 200
    cid = f"test:{chat.sender}"
    shown = await pushed(runtime, chat.sender, await last_seq(runtime, cid), "Achieng")
    assert "Achieng" in shown
    assert agent.say(number, "Hello, how can I help?").status_code == 201
    await pushed(runtime, chat.sender, await last_seq(runtime, cid), "how can I help?")
    replies = await chat.say("it was due last week")
    assert replies == []  # a person is in charge: the assistant stays quiet
    seen = agent.get(f"/tickets/{number}/messages").json()
    lines = seen["messages"] if isinstance(seen, dict) else seen
    assert any("it was due last week" in str(m.get("text")) for m in lines)
    before = await last_seq(runtime, cid)
    assert agent.post(f"/tickets/{number}/resolve", {"summary": "Printed; collect Friday."}
                      ).status_code == 200
    shown = await pushed(runtime, chat.sender, before, "Printed; collect Friday.")
    log = await runtime.store.messages_after(cid, before, direction="out")
    rating = [c["payload"] for m in log for c in m.body.get("choices", [])]
    assert f"rating:{number}:5" in rating
    session = await runtime.store.load_by_id(cid)
    assert session.flow is None  # the assistant is back
    replies = await chat.say("5")  # typed, as on a phone: the fifth pushed choice
    with service(live_backend) as api:
        ticket = api.get(f"/api/v1/tickets/{number}", params={"conversation_id": cid}).json()
    assert (ticket["status"], ticket["rating"]) == ("resolved", 5)
    session = await runtime.store.load_by_id(cid)  # the citizen wrote English since
    t = runtime.translations.for_locale(session.locale)
    assert t.gettext("Thank you for your rating! If you want to tell the team more, write it "
                     "now; or just ask your next question.") in texts(replies)
    replies = await chat.say("Achieng was quick and kind")
    assert texts(replies) == t.gettext("Thank you, your comment has been passed to the team.")
    seen = agent.get(f"/tickets/{number}").json()
    assert seen["rating_comment"] == "Achieng was quick and kind"
    replies = await chat.say("how much is a passport")  # after a comment, questions as usual
    assert "34" in texts(replies)


async def test_end_chat_leaves_the_queue(chat: DialogHarness, live_backend: LiveBackend,
                                         agent: Console) -> None:
    await start(chat, "en")
    number = ticket_number(texts(await chat.say("talk to a person")))
    replies = await chat.say("end chat")
    assert "You have left the support chat" in texts(replies)
    with service(live_backend) as api:
        ticket = api.get(f"/api/v1/tickets/{number}",
                         params={"conversation_id": f"test:{chat.sender}"}).json()
    assert ticket["status"] == "cancelled"


async def test_ticket_status_from_its_chat_and_not_from_another(
    chat: DialogHarness, action_runtime: Runtime, agent: Console
) -> None:
    await start(chat, "en")
    number = ticket_number(texts(await chat.say("talk to a person")))
    await chat.say("end chat")
    replies = await chat.say(f"status of ticket {number}")
    assert f"Ticket {number}: cancelled" in texts(replies)
    stranger = DialogHarness(action_runtime)
    replies = await stranger.say(f"status of ticket {number}")
    assert f"I could not find ticket {number}" in texts(replies)


async def test_two_misses_then_yes_brings_a_person(chat: DialogHarness, agent: Console) -> None:
    await start(chat, "en")
    await chat.say("xyzzy plugh qwertz")
    replies = await chat.say("blorf snark wibble")
    assert "talk_to_human:misses" in choices_of(replies)
    replies = await chat.say(choice="talk_to_human:misses")
    assert "T-" in texts(replies)


async def test_frustration_brings_a_person_with_high_priority(
    chat: DialogHarness, live_backend: LiveBackend, agent: Console
) -> None:
    await start(chat, "en")
    replies = await chat.say("THIS SYSTEM IS COMPLETELY USELESS AND SLOW")
    shown = texts(replies)
    assert "I am sorry this has been difficult." in shown
    with service(live_backend) as api:
        ticket = api.get(f"/api/v1/tickets/{ticket_number(shown)}",
                         params={"conversation_id": f"test:{chat.sender}"}).json()
    assert ticket["priority"] == "high"


async def test_urgent_security_report_brings_in_the_security_team(
    chat: DialogHarness, live_backend: LiveBackend, agent: Console
) -> None:
    await start(chat, "en")
    await link(chat, live_backend)
    await chat.say("my account was hacked")
    await chat.say("Someone changed my password and email")
    await chat.say("today")
    await chat.say(choice="report_security_incident:skip")
    await chat.say(choice="report_security_incident:named")
    replies = await chat.say(choice="report_security_incident:send")
    shown = texts(replies)
    assert "SR-" in shown and "T-" in shown
    with service(live_backend) as api:
        ticket = api.get(f"/api/v1/tickets/{ticket_number(shown)}",
                         params={"conversation_id": f"test:{chat.sender}"}).json()
    assert (ticket["priority"], ticket["queue"]) == ("urgent", "security")


async def test_open_ticket_follows_a_linked_citizen_to_another_channel(
    action_runtime: Runtime, live_backend: LiveBackend, agent: Console
) -> None:
    web = DialogHarness(action_runtime, channel="webchat")
    await start(web, "en")
    await link(web, live_backend)
    number = ticket_number(texts(await web.say("talk to a person")))
    assert agent.post(f"/tickets/{number}/claim").status_code == 200
    live_backend.container.clock.offset += timedelta(seconds=61)  # codes: one a minute
    telegram = DialogHarness(action_runtime, channel="telegram")
    await start(telegram, "en")
    await link(telegram, live_backend)  # the same citizen, now on Telegram
    replies = await telegram.say("I am on Telegram now")
    assert replies == []  # joined the open ticket: passed on to the agent, no bot answer
    messages: Any = agent.get(f"/tickets/{number}/messages").json()
    lines = messages["messages"] if isinstance(messages, dict) else messages
    assert any("I am on Telegram now" in str(m.get("text")) for m in lines)
    assert action_runtime.events is not None
    await action_runtime.events.poll_once()
    before = await last_seq(action_runtime, f"telegram:{telegram.sender}")
    agent.say(number, "I see you moved to Telegram")
    shown = await pushed(action_runtime, telegram.sender, before, "moved to Telegram",
                         channel="telegram")
    assert "Achieng" in shown


async def test_handoff_without_escalation_gives_the_contacts(
    dialog: DialogHarness,
) -> None:
    replies = await dialog.say(InboundMessage("test", dialog.sender, "talk to a person").text)
    assert "support@ecitizen.go.ke" in texts(replies)
