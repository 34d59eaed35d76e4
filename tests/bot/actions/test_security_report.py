"""action_report_security: Msaidizi's guided report through Rasa: corrections, filing, outbox."""

from __future__ import annotations

import httpx

from common.timezone import utcnow
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english, link
from tests.bot.intents.conftest import LiveBackend


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


async def test_report_kept_while_the_backend_is_down_is_filed_when_it_is_back(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    asked = await rasa.say("report a security problem")
    assert "report_security_incident:phishing" in asked.buttons and "What happened?" in asked.texts
    for said in ("report_security_incident:phishing", "A caller asked for my M-Pesa PIN",
                 "yesterday", "SJK4XY12AB"):
        summary = await rasa.say(said)
    assert "- Reference: SJK4XY12AB" in summary.texts  # not signed in: no "anonymous or not"

    client = rasa.runtime.backend._client  # type: ignore[attr-defined]
    real = client._base_url
    client._base_url = httpx.URL("http://127.0.0.1:9")
    answer = await rasa.say("report_security_incident:send")
    assert "Your report is saved and will be filed as soon as the service is back" in answer.texts
    assert answer.slot("report_reference") is None
    kept = await rasa.runtime.report_queue.due(utcnow())
    assert [row.conversation_id for row in kept] == [f"rasa:{rasa.sender}"]
    assert kept[0].draft["transaction_reference"] == "SJK4XY12AB"

    client._base_url = real
    assert rasa.runtime.reports is not None
    assert await rasa.runtime.reports.file_due() == 1
    shown = await rasa.say("thanks")  # Rasa cannot be pushed to: it comes with the next answer
    assert "Your report has been received. Reference:" in shown.responses[0]["text"]


async def test_cancel_during_the_report_forgets_it_and_offers_the_menu(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    await rasa.say("report a security problem")
    await rasa.say("report_security_incident:phishing")
    answer = await rasa.say("cancel")
    assert "Cancelled. What else can I help you with?" in answer.texts
    assert "check_status" in answer.buttons
    assert answer.slot("flow") is None


async def test_a_swahili_report_is_asked_and_answered_in_swahili(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    sw = rasa.runtime.translations.for_locale("sw")
    parse = rasa.user("mtu ameingia kwenye akaunti yangu")  # the very first message
    assert (parse["intent"]["name"], parse["language"]) == ("report_security_incident", "sw")
    started = await rasa.run("action_report_security")
    assert sw.gettext("I will help you report it. It takes a few short questions.") \
        in started.texts
    assert sw.gettext("Briefly, what happened? Please do not send any PIN or password.") \
        in started.texts
    asked = await rasa.say("Mtu alibadilisha nenosiri langu bila ruhusa yangu")
    assert sw.gettext("When did it happen? For example: today, yesterday, 3 days ago, or a date "
                      "like 12/11/2026.") in asked.texts
    await rasa.say("jana")
    await rasa.say("report_security_incident:skip")
    answer = await rasa.say("report_security_incident:send")
    reference = answer.slot("report_reference")
    filed = sw.gettext("Your report has been received. Reference: %(reference)s.")
    assert filed % {"reference": reference} in answer.texts
    assert answer.slot("language") == "sw"
