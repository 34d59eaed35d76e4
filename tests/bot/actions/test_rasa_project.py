"""The stock Rasa project in rasa_project/: valid YAML that names only what exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions.server import ACTIONS
from bot.app import Runtime
from bot.nlu.entities import PATTERNS
from tests.bot.actions.rasa import DOMAIN, PROJECT

RASA_DEFAULT_ACTIONS = {"action_listen", "action_deactivate_loop", "action_restart",
                        "action_session_start", "action_default_fallback", "action_back"}
REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs" / "rasa.md"


def load(name: str) -> Any:
    return yaml.safe_load((PROJECT / name).read_text(encoding="utf-8"))


def rule_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for rule in load("data/rules.yml")["rules"]:
        for step in [*rule.get("condition", []), *rule["steps"]]:
            steps.extend(step.get("or", [step]))
    return steps


@pytest.mark.parametrize("name", ["domain.yml", "config.yml", "endpoints.yml",
                                  "credentials.yml", "data/rules.yml"])
def test_every_file_is_yaml(name: str) -> None:
    assert load(name) is not None or name == "credentials.yml"


def test_domain_actions_are_exactly_the_served_actions() -> None:
    assert sorted(DOMAIN["actions"]) == sorted(a().name() for a in ACTIONS)


def test_rules_name_only_known_actions_and_intents() -> None:
    actions = set(DOMAIN["actions"]) | set(DOMAIN["responses"])
    for step in rule_steps():
        if "action" in step:
            assert step["action"] in actions | RASA_DEFAULT_ACTIONS, step
        if "intent" in step:
            assert step["intent"] in DOMAIN["intents"], step


def test_the_project_needs_no_rasa_forms() -> None:
    # Multi-step questions are Msaidizi's own flows, the same on every channel.
    assert "forms" not in DOMAIN
    assert not any("active_loop" in step for step in rule_steps())


def test_domain_intents_and_entities_come_from_msaidizis_nlu_server(runtime: Runtime) -> None:
    # /model/parse answers with the knowledge's intent labels, the handler names (tapped
    # buttons come back as text) and FAQ article ids (left to the core fallback).
    labelled = {yaml.safe_load(path.read_text(encoding="utf-8"))["intent"]
                for path in (REPO / "knowledge" / "intents").glob("*.yaml")}
    served = labelled | {h.name for h in runtime.router.handlers}
    assert set(DOMAIN["intents"]) <= served, set(DOMAIN["intents"]) - served
    assert set(DOMAIN["entities"]) <= {kind for kind, _ in PATTERNS} | {"payload"}


def test_slot_mappings_refer_to_intents_of_the_domain() -> None:
    for name, slot in DOMAIN["slots"].items():
        assert slot.get("mappings"), name  # Rasa 3 needs a mapping for every slot
        for mapping in slot["mappings"]:
            assert set(mapping.get("not_intent", [])) <= set(DOMAIN["intents"]), name
            assert mapping.get("intent", DOMAIN["intents"][0]) in DOMAIN["intents"], name


def test_endpoints_point_at_msaidizi_and_the_fallback_is_ours() -> None:
    endpoints = load("endpoints.yml")
    assert endpoints["action_endpoint"]["url"] == "http://localhost:5055/webhook"
    assert endpoints["nlu"]["url"] == "http://localhost:8000"
    rule_policy = next(p for p in load("config.yml")["policies"] if p["name"] == "RulePolicy")
    assert rule_policy["core_fallback_action_name"] in DOMAIN["actions"]
    assert "rest" in load("credentials.yml")


def test_every_slot_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    missing = [name for name in DOMAIN["slots"] if f"`{name}`" not in documented]
    assert missing == []
