"""The stock Rasa project in rasa_project/: valid YAML that names only what exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions.forms import AskAction, MsaidiziForm
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


def test_rules_name_only_known_actions_intents_slots_and_forms() -> None:
    actions = set(DOMAIN["actions"]) | set(DOMAIN["forms"]) | set(DOMAIN["responses"])
    slots = set(DOMAIN["slots"]) | {"requested_slot"}
    for step in rule_steps():
        if "action" in step:
            assert step["action"] in actions | RASA_DEFAULT_ACTIONS, step
        if "intent" in step:
            assert step["intent"] in DOMAIN["intents"], step
        if "active_loop" in step:
            assert step["active_loop"] in (*DOMAIN["forms"], None), step
        for item in step.get("slot_was_set", []):
            assert set(item) <= slots, step


def test_domain_intents_and_entities_come_from_msaidizis_nlu_server(runtime: Runtime) -> None:
    # /model/parse answers with the knowledge's intent labels, the handler names (tapped
    # buttons come back as text) and FAQ article ids (left to the core fallback).
    labelled = {yaml.safe_load(path.read_text(encoding="utf-8"))["intent"]
                for path in (REPO / "knowledge" / "intents").glob("*.yaml")}
    served = labelled | {h.name for h in runtime.router.handlers}
    assert set(DOMAIN["intents"]) <= served, set(DOMAIN["intents"]) - served
    assert set(DOMAIN["entities"]) <= {kind for kind, _ in PATTERNS} | {"payload"}


def test_forms_are_validated_and_asked_by_our_actions() -> None:
    actions = {a().name(): a for a in ACTIONS}
    for form, spec in DOMAIN["forms"].items():
        validator = actions[f"validate_{form}"]
        assert issubclass(validator, MsaidiziForm)
        for slot in spec["required_slots"]:
            assert slot in DOMAIN["slots"]
            assert callable(getattr(validator, f"validate_{slot}", None)), (form, slot)
            assert issubclass(actions[f"action_ask_{slot}"], AskAction), slot
            assert f"utter_ask_{slot}" in DOMAIN["responses"]  # English-only fallback


def test_slot_mappings_refer_to_forms_and_intents_of_the_domain() -> None:
    for name, slot in DOMAIN["slots"].items():
        assert slot.get("mappings"), name  # Rasa 3 needs a mapping for every slot
        for mapping in slot["mappings"]:
            assert set(mapping.get("not_intent", [])) <= set(DOMAIN["intents"]), name
            for condition in mapping.get("conditions", []):
                assert condition["active_loop"] in DOMAIN["forms"], name
                assert condition["requested_slot"] in \
                    DOMAIN["forms"][condition["active_loop"]]["required_slots"], name


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
