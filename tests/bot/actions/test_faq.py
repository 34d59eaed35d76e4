"""action_answer_faq and action_msaidizi: articles in English and Swahili, the core's own answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bot.actions.rasa import RasaConversation


async def test_faq_answers_the_article_named_by_the_intent_in_english(
    rasa: RasaConversation,
) -> None:
    parse = rasa.user("How much is a passport?")
    assert parse["intent"]["name"] == "passport-fees"  # Msaidizi's NLU names the article
    answer = await rasa.run("action_answer_faq")
    assert "34-page ordinary passport:** KES 7,500" in answer.texts
    assert 'From the article "Passport fees"' in answer.texts
    assert answer.slot("language") == "en" and answer.slot("linked") is False
    assert answer.slot("article") is None
    assert answer.followup is None  # safe as the RulePolicy's core fallback: no loop
    assert answer.responses[0]["buttons"] == []


async def test_faq_answers_in_swahili_when_the_citizen_writes_swahili(
    rasa: RasaConversation,
) -> None:
    parse = rasa.user("Pasipoti ni pesa ngapi?")
    assert (parse["intent"]["name"], parse["language"]) == ("passport-fees", "sw")
    answer = await rasa.run("action_answer_faq")
    assert "Pasipoti ya kawaida ya kurasa 34:** KES 7,500" in answer.texts
    assert '(Kutoka kwa makala "Ada ya pasipoti"' in answer.texts
    assert answer.slot("language") == "sw"


async def test_faq_follows_a_switch_to_swahili_in_a_running_conversation(
    rasa: RasaConversation,
) -> None:
    rasa.user("How much is a passport?")
    await rasa.run("action_answer_faq")
    rasa.user("Pasipoti ni pesa ngapi siku hizi?")
    answer = await rasa.run("action_answer_faq")
    assert "KES 7,500" in answer.texts and "kurasa 34" in answer.texts
    assert answer.slot("language") == "sw"


async def test_faq_answers_the_article_slot_and_offers_a_person_when_the_article_says_so(
    rasa: RasaConversation,
) -> None:
    rasa.user("hello")
    rasa.slots["article"] = "mpesa-paybill"
    answer = await rasa.run("action_answer_faq")
    assert "222222" in answer.texts
    assert answer.buttons == ["fallback:solved", "talk_to_human"]
    assert answer.slot("article") is None


async def test_a_tapped_topic_comes_back_as_the_faq_intent_and_is_answered(
    rasa: RasaConversation,
) -> None:
    parse = rasa.user("faq:password-reset")
    assert parse["intent"]["name"] == "faq"
    answer = await rasa.run("action_answer_faq")
    assert "password" in answer.texts.lower()


async def test_msaidizi_lets_the_core_answer_small_talk_and_language_changes(
    rasa: RasaConversation,
) -> None:
    rasa.user("Habari yako")
    answer = await rasa.run("action_msaidizi")
    assert answer.slot("language") == "sw" and answer.texts
    rasa.user("English please")
    answer = await rasa.run("action_msaidizi")
    assert answer.slot("language") == "en"
    assert answer.followup is None


async def test_a_question_during_a_report_is_answered_then_the_report_asks_again(
    rasa: RasaConversation,
) -> None:
    started = await rasa.say("report a security problem")
    assert started.texts.rstrip().endswith("What happened?")
    answer = await rasa.say("How much is a passport?")
    assert "KES 7,500" in answer.texts
    assert answer.texts.rstrip().endswith("What happened?")  # asked again
    assert "report_security_incident:phishing" in answer.buttons
    assert answer.slot("flow") == "report_security_incident"


async def test_one_faq_question_takes_one_lock_hold_and_one_session_load(
    rasa: RasaConversation, monkeypatch: pytest.MonkeyPatch,
) -> None:
    await rasa.say("Hello")  # the conversation exists already, as it usually does
    counts = {"hold": 0, "open_turn": 0, "load_by_id": 0, "commit_turn": 0, "save_session": 0}
    runtime = rasa.runtime
    for owner, name in ((runtime.locks, "hold"), (runtime.store, "open_turn"),
                        (runtime.store, "load_by_id"), (runtime.store, "commit_turn"),
                        (runtime.store, "save_session")):
        monkeypatch.setattr(owner, name, _counting(counts, name, getattr(owner, name)))
    rasa.user("How much is a passport?")
    answer = await rasa.run("action_answer_faq")
    assert "KES 7,500" in answer.texts
    assert counts == {"hold": 1, "open_turn": 1, "load_by_id": 0, "commit_turn": 1,
                      "save_session": 0}


def _counting(counts: dict[str, int], name: str, method: Any) -> Any:
    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] += 1
        return method(*args, **kwargs)
    return counted
