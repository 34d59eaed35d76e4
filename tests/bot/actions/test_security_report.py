"""security_report_form and action_file_security_report: corrections, filing, the outbox."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.core.messages import utcnow
from bot.nlu.when import today
from bot.storage.outbox import SqlReportOutbox
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
    run = await rasa.form("security_report_form")  # activation
    assert "I will help you report it. It takes a few short questions." in run.texts
    assert run.validation.slot("category") == "account_takeover"  # the words made it clear
    report_id = run.validation.slot("report_id")
    assert "Briefly, what happened? Please do not send any PIN or password." in run.texts

    rasa.user("ok")
    run = await rasa.form("security_report_form")
    assert "Please describe what happened in a few words." in run.texts
    rasa.user("My password and phone number were changed without my knowledge")
    run = await rasa.form("security_report_form")
    assert "When did it happen?" in run.texts
    rasa.user("today")
    run = await rasa.form("security_report_form")
    assert run.buttons == ["report_security_incident:skip"]

    rasa.user("no, it was yesterday")
    run = await rasa.form("security_report_form")
    assert "Thanks, I have corrected it." in run.texts
    assert run.validation.slot("when_day") == (today() - timedelta(days=1)).isoformat()
    assert run.validation.slot("reference") is None
    assert run.buttons == ["report_security_incident:skip"]  # asked again

    rasa.user("report_security_incident:skip")
    run = await rasa.form("security_report_form")
    assert run.validation.slot("reference") == "skipped"
    assert run.buttons == ["report_security_incident:named", "report_security_incident:anonymous"]
    rasa.user("report_security_incident:named")
    run = await rasa.form("security_report_form")
    assert run.done and run.validation.slot("anonymous") is False
    assert rasa.slots["report_id"] == report_id

    answer = await rasa.run("action_file_security_report")
    reference = answer.slot("report_reference")
    assert reference and f"Your report has been received. Reference: {reference}." in answer.texts
    assert "Reset your password at ecitizen.go.ke" in answer.texts  # account takeover advice
    assert all(answer.slot(s) is None for s in ("category", "description", "when", "report_id"))
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
    rasa.user("report a security problem")
    run = await rasa.form("security_report_form")
    assert "report_security_incident:phishing" in run.buttons and "What happened?" in run.texts
    for said in ("report_security_incident:phishing", "A caller asked for my M-Pesa PIN",
                 "yesterday", "SJK4XY12AB"):
        rasa.user(said)
        run = await rasa.form("security_report_form")
    assert run.done  # not signed in: "anonymous or not" is not asked
    assert rasa.slots["reference"] == "SJK4XY12AB"

    backend = rasa.runtime.backend
    real = backend._client._base_url  # type: ignore[union-attr]
    backend._client._base_url = httpx.URL("http://127.0.0.1:9")  # type: ignore[union-attr]
    answer = await rasa.run("action_file_security_report")
    assert "Your report is saved and will be filed as soon as the service is back" in answer.texts
    assert answer.slot("report_reference") is None
    outbox = SqlReportOutbox(rasa.runtime.engine, rasa.runtime.sealer)
    kept = await outbox.due(utcnow())
    assert [row.conversation_id for row in kept] == [f"rasa:{rasa.sender}"]
    assert kept[0].draft["transaction_reference"] == "SJK4XY12AB"

    backend._client._base_url = real  # type: ignore[union-attr]
    assert rasa.runtime.reports is not None
    assert await rasa.runtime.reports.file_due() == 1
    log = await rasa.runtime.store.messages_after(f"rasa:{rasa.sender}", 0, direction="out")
    assert "Your report has been received. Reference:" in str(log[-1].body["text"])


async def test_cancel_during_the_form_forgets_it_and_offers_the_menu(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    await in_english(rasa)
    rasa.user("report a security problem")
    await rasa.form("security_report_form")
    rasa.user("report_security_incident:phishing")
    await rasa.form("security_report_form")
    rasa.user("cancel")
    run = await rasa.form("security_report_form")
    assert run.rejected  # not_intent: cancel fills no slot, so the rules take over
    rasa.deactivate()
    answer = await rasa.run("action_msaidizi")
    assert "Cancelled. What else can I help you with?" in answer.texts
    assert "check_status" in answer.buttons
    assert answer.slot("category") is None and answer.slot("report_id") is None


async def test_a_swahili_report_is_asked_and_answered_in_swahili(
    rasa: RasaConversation, live_backend: LiveBackend,
) -> None:
    sw = rasa.runtime.translations.for_locale("sw")
    parse = rasa.user("mtu ameingia kwenye akaunti yangu")  # the very first message
    assert (parse["intent"]["name"], parse["language"]) == ("report_security_incident", "sw")
    run = await rasa.form("security_report_form")
    assert sw.gettext("I will help you report it. It takes a few short questions.") in run.texts
    # "mtu ameingia kwenye akaunti yangu" makes the category clear: straight to the details
    assert sw.gettext("Briefly, what happened? Please do not send any PIN or password.") \
        in run.texts
    rasa.user("Mtu alibadilisha nenosiri langu bila ruhusa yangu")
    run = await rasa.form("security_report_form")
    assert sw.gettext("When did it happen? For example: today, yesterday, 3 days ago, or a date "
                      "like 12/11/2026.") in run.texts
    rasa.user("jana")
    run = await rasa.form("security_report_form")
    assert run.validation.slot("when_day") == (today() - timedelta(days=1)).isoformat()
    rasa.user("report_security_incident:skip")
    assert (await rasa.form("security_report_form")).done
    answer = await rasa.run("action_file_security_report")
    reference = answer.slot("report_reference")
    filed = sw.gettext("Your report has been received. Reference: %(reference)s.")
    assert filed % {"reference": reference} in answer.texts
    assert answer.slot("language") == "sw"
