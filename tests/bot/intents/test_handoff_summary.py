"""The agent's summary of a handoff: why the assistant brought them in, what the citizen asked."""

from __future__ import annotations

from bot.intents.handoff import handoff_summary


def test_the_summary_names_the_reason_and_the_last_questions() -> None:
    transcript = [
        {"role": "citizen", "text": "hello", "at": ""},
        {"role": "bot", "text": "Hello! I am Msaidizi", "at": ""},
        {"role": "citizen", "text": "my passport is late", "at": ""},
        {"role": "citizen", "text": "it was due in March", "at": ""},
        {"role": "citizen", "text": "talk to a person", "at": ""},
    ]
    assert handoff_summary(transcript, "explicit") == (
        "The citizen asked for a person. Last messages: \u201cmy passport is late\u201d / "
        "\u201cit was due in March\u201d / \u201ctalk to a person\u201d")


def test_a_summary_without_messages_still_says_why() -> None:
    assert handoff_summary([], "security_report") == "Urgent security report."
    assert handoff_summary([], "unknown") == "The citizen asked for a person."
