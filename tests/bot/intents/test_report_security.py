"""Security reports: the form, corrections, questions mid-form, takeover protection, outages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Runtime
from common.timezone import utcnow
from tests.bot.intents.helpers import link, start
from tests.helpers.backend_double import BackendDouble
from tests.helpers.dialog import DialogHarness, choices_of, texts


async def test_takeover_report_with_correction_and_question(chat: DialogHarness, backend: BackendDouble) -> None:
    await start(chat, "en")
    await link(chat, backend)
    replies = await chat.say("my account was hacked")
    assert "Briefly, what happened?" in texts(replies)  # the category was clear from the words
    await chat.say("Someone changed my email and phone on my account")
    replies = await chat.say("3 days ago")
    assert "reference" in texts(replies)
    replies = await chat.say("no, it was yesterday")  # a correction while asked for a reference
    assert "reference" in texts(replies)
    await chat.say(choice="report_security_incident:skip")
    replies = await chat.say(choice="report_security_incident:named")
    summary = texts(replies)
    assert "no, it was yesterday" in summary and "Someone changed my email" in summary
    replies = await chat.say("how much is a passport?")  # a question mid-form: answered, then back
    shown = texts(replies)
    assert "34-page" in shown and "Please check your report" in shown
    replies = await chat.say(choice="report_security_incident:send")
    shown = texts(replies)
    assert "Your report has been received. Reference: SR-" in shown
    assert "signed your account out of every chat" in shown
    assert "Reset your password" in shown
    session = await chat.runtime.store.load_by_id(f"test:{chat.sender}")
    assert "auth" not in session.data  # the takeover protection revoked this chat's sign-in too


@pytest.mark.parametrize("locale", ["en", "sw"])
async def test_phishing_report_without_linking_is_anonymous(chat: DialogHarness, locale: str) -> None:
    await start(chat, locale)
    await chat.say(choice="report_security_incident")
    replies = await chat.say(choice="report_security_incident:phishing")
    assert replies
    await chat.say("A caller said he was from eCitizen and asked for my PIN")
    await chat.say("leo" if locale == "sw" else "today")
    replies = await chat.say(choice="report_security_incident:skip")
    assert "report_security_incident:send" in choices_of(replies)
    replies = await chat.say(choice="report_security_incident:send")
    assert "SR-" in texts(replies)


async def test_edit_a_field_from_the_summary(chat: DialogHarness) -> None:
    await start(chat, "en")
    await chat.say(choice="report_security_incident")
    await chat.say(choice="report_security_incident:other")
    await chat.say("Strange login alerts")
    await chat.say("yesterday")
    await chat.say(choice="report_security_incident:skip")
    await chat.say(choice="report_security_incident:change")
    await chat.say(choice="report_security_incident:edit-description")
    replies = await chat.say("Strange login alerts from another country")
    assert "from another country" in texts(replies) and "Please check your report" in texts(replies)


async def test_wrong_date_is_reprompted_specifically(chat: DialogHarness) -> None:
    await start(chat, "en")
    await chat.say(choice="report_security_incident")
    await chat.say(choice="report_security_incident:data_leak")
    await chat.say("My details were posted online")
    replies = await chat.say("the blue one")
    assert "I did not understand the date" in texts(replies)


async def test_report_is_kept_when_backend_is_down_and_filed_later(
    chat: DialogHarness, backend: BackendDouble, action_runtime: Runtime
) -> None:
    await start(chat, "en")
    await chat.say(choice="report_security_incident")
    await chat.say(choice="report_security_incident:phishing")
    await chat.say("Fake SMS asking me to pay a fine")
    await chat.say("today")
    await chat.say(choice="report_security_incident:skip")
    backend.down = True  # the backend goes away
    replies = await chat.say(choice="report_security_incident:send")
    assert "Your report is saved and will be filed as soon as the service is back" in texts(replies)
    assert action_runtime.reports is not None
    assert await action_runtime.reports.file_due() == 0  # still down: kept, not lost
    backend.down = False
    await action_runtime.reports._outbox.failed(1, 0)  # make the retry due now (backoff 5 s)
    rows = await action_runtime.reports._outbox.due(utcnow() + timedelta(seconds=10))
    assert len(rows) == 1
    await _make_due(action_runtime)
    assert await action_runtime.reports.file_due() == 1
    log = await action_runtime.store.messages_after(f"test:{chat.sender}", 0, direction="out")
    assert "Your report has been received. Reference: SR-" in log[-1].body["text"]
    assert await action_runtime.reports.file_due() == 0  # filed once, pushed once


async def _make_due(runtime: Runtime) -> None:
    """Pretend the back-off has passed."""
    from sqlalchemy import update

    from bot.storage.models import PendingReportRow
    async with runtime.engine.begin() as connection:
        await connection.execute(update(PendingReportRow).values(next_attempt_at=None))
