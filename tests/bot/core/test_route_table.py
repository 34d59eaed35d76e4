"""The routing table: how editors' rules are read and when one applies."""

from __future__ import annotations

import pytest

from bot.core.route_table import Candidates, parse_route_table, read_route_table
from tests.conftest import REPO

GOOD = """
rules:
  - name: contact
    when: [contact_details]
    between: [contact-support, talk_to_human]
    prefer: contact-support
"""


def test_shipped_routing_table_reads_without_problems() -> None:
    assert len(read_route_table(REPO / "knowledge" / "routing.yaml").rules) >= 7


@pytest.mark.parametrize(("rule", "complaint"), [
    ("when: [nonsense]\n    between: [a, b]\n    prefer: a", "'when' lists cues"),
    ("when: [status]\n    between: [a]\n    prefer: a", "'between' names two sides"),
    ("when: [status]\n    between: [a, b]\n    prefer: c", "'prefer' is one of the two sides"),
])
def test_malformed_rule_is_reported_on_its_line(rule: str, complaint: str) -> None:
    table, problems = parse_route_table(f"rules:\n  - name: x\n    {rule}\n")
    assert table.rules == ()
    assert problems[0][0] == 2
    assert complaint in problems[0][1]


def test_table_without_rules_list_is_a_problem() -> None:
    assert parse_route_table("rule: []\n")[1][0][1].startswith("the file must hold 'rules:'")


def test_missing_table_means_no_rules(tmp_path) -> None:
    assert read_route_table(tmp_path / "routing.yaml").rules == ()


def test_rule_applies_only_with_its_cue() -> None:
    table, _ = parse_route_table(GOOD)
    articles = Candidates("talk_to_human", (), lambda intent: intent == "contact-support")
    assert table.choose("what are your office hours", False, articles) is not None
    assert table.choose("i want a person", False, articles) is None


def test_generic_side_needs_a_candidate_of_its_kind() -> None:
    table, _ = parse_route_table(
        "rules:\n  - when: [how_to]\n    between: [any article, any action]\n"
        "    prefer: any article\n")
    no_article = Candidates("start_payment", ("check_status",), lambda intent: False)
    assert table.choose("how do i pay", False, no_article) is None
    with_article = Candidates("start_payment", ("payment-methods",),
                              lambda intent: intent == "payment-methods")
    chosen = table.choose("how do i pay", False, with_article)
    assert chosen is not None and chosen[1] == ("payment-methods",)


def test_unless_cue_present_keeps_the_rule_out() -> None:
    table, problems = parse_route_table(
        "rules:\n  - unless: [bribery]\n    between: [report_security_incident, any article]\n"
        "    prefer: any article\n")
    assert problems == []
    story = Candidates("report_security_incident", ("document-collection",),
                       lambda intent: intent == "document-collection")
    chosen = table.choose("i was in hospital when my passport got ready", False, story)
    assert chosen is not None and chosen[1] == ("document-collection",)
    assert table.choose("the officer wants a bribe", False, story) is None


def test_rule_without_any_cue_is_a_problem() -> None:
    _, problems = parse_route_table("rules:\n  - between: [a, b]\n    prefer: a\n")
    assert "names its cues" in problems[0][1]
