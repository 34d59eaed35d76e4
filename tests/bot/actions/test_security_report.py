"""action_report_security: Msaidizi's guided report through Rasa: corrections, filing, outbox."""

from __future__ import annotations

from common.timezone import utcnow
from tests.bot.actions.rasa import RasaConversation
from tests.bot.actions.steps import in_english
from tests.helpers.backend_double import BackendDouble


async def test_report_kept_while_the_backend_is_down_is_filed_when_it_is_back(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    asked = await rasa.say("report a security problem")
    assert "report_security_incident:phishing" in asked.buttons and "What happened?" in asked.texts
    for said in ("report_security_incident:phishing", "A caller asked for my M-Pesa PIN",
                 "yesterday", "SJK4XY12AB"):
        summary = await rasa.say(said)
    assert "- Reference: SJK4XY12AB" in summary.texts  # not signed in: no "anonymous or not"

    backend.down = True
    answer = await rasa.say("report_security_incident:send")
    assert "Your report is saved and will be filed as soon as the service is back" in answer.texts
    assert answer.slot("report_reference") is None
    kept = await rasa.runtime.report_queue.due(utcnow())
    assert [row.conversation_id for row in kept] == [f"rasa:{rasa.sender}"]
    assert kept[0].draft["transaction_reference"] == "SJK4XY12AB"

    backend.down = False
    assert rasa.runtime.reports is not None
    assert await rasa.runtime.reports.file_due() == 1
    shown = await rasa.say("thanks")  # Rasa cannot be pushed to: it comes with the next answer
    assert "Your report has been received. Reference:" in shown.responses[0]["text"]


async def test_cancel_during_the_report_forgets_it_and_offers_the_menu(
    rasa: RasaConversation, backend: BackendDouble,
) -> None:
    await in_english(rasa)
    await rasa.say("report a security problem")
    await rasa.say("report_security_incident:phishing")
    answer = await rasa.say("cancel")
    assert "Cancelled. What else can I help you with?" in answer.texts
    assert "check_status" in answer.buttons
    assert answer.slot("flow") is None


async def test_a_swahili_report_is_asked_and_answered_in_swahili(
    rasa: RasaConversation, backend: BackendDouble,
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
