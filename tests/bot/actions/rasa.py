"""A small stand-in for Rasa's side of the action server protocol, driving the real endpoint.

`RasaConversation` keeps a tracker as Rasa 3 does (events, slots, latest message), parses each
user message with Msaidizi's NLU exactly as Rasa gets it from `POST /model/parse`, applies the
domain's slot mappings, and posts Rasa's own `/webhook` payloads (`next_action`, `sender_id`,
`tracker`, `domain`, `version`) to the rasa-sdk app. `say()` also picks the action as the
project's RulePolicy does: the rule for the intent, else the core fallback action.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import rasa_sdk
import yaml

from bot.app import Runtime
from bot.channels.nlu_api import rasa_parse

PROJECT = Path(__file__).resolve().parents[3] / "rasa_project"
DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
_POLICY = next(p for p in yaml.safe_load((PROJECT / "config.yml").read_text(
    encoding="utf-8"))["policies"] if p["name"] == "RulePolicy")
FALLBACK_ACTION: str = _POLICY["core_fallback_action_name"]


def _rules() -> dict[str, str]:
    """Map each intent to the action its rule runs (every rule here is intent -> action)."""
    rules: dict[str, str] = {}
    for rule in yaml.safe_load((PROJECT / "data" / "rules.yml").read_text(
            encoding="utf-8"))["rules"]:
        first, action = rule["steps"][0], rule["steps"][1]["action"]
        for step in first.get("or", [first]):
            rules[step["intent"]] = action
    return rules


RULES = _rules()
# The Rasa version the payloads claim: the same major.minor as the SDK, as Rasa Pro sends.
VERSION = ".".join(rasa_sdk.__version__.split(".")[:2]) + ".0"


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "timestamp": time.time(), **fields}


@dataclass
class Answer:
    """One /webhook answer: status, events and responses."""

    status: int
    body: dict[str, Any]

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(self.body.get("events") or [])

    @property
    def responses(self) -> list[dict[str, Any]]:
        return list(self.body.get("responses") or [])

    @property
    def texts(self) -> str:
        return "\n".join(str(r.get("text") or "") for r in self.responses)

    @property
    def buttons(self) -> list[str]:
        return [b["payload"] for r in self.responses for b in r.get("buttons") or []]

    def slot(self, name: str) -> Any:
        """Return the value the answer's last SlotSet gives `name` (KeyError if not set)."""
        values = [e["value"] for e in self.events if e["event"] == "slot" and e["name"] == name]
        if not values:
            raise KeyError(name)
        return values[-1]

    @property
    def followup(self) -> str | None:
        names = [e["name"] for e in self.events if e["event"] == "followup"]
        return names[-1] if names else None


@dataclass
class RasaConversation:
    """One Rasa conversation talking to the action server."""

    client: httpx.AsyncClient
    runtime: Runtime
    sender: str = field(default_factory=lambda: f"rasa-user-{uuid.uuid4().hex[:8]}")
    events: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    latest_message: dict[str, Any] = field(default_factory=dict)
    latest_action_name: str | None = "action_listen"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = {name: None for name in DOMAIN["slots"]}
        self.slots |= {"session_started_metadata": None}
        self.events = [event("action", name="action_session_start", policy=None,
                             confidence=1.0),
                       event("session_started"),
                       event("action", name="action_listen", policy=None, confidence=None)]

    # -- Rasa's tracker ------------------------------------------------------------------------

    def tracker(self, extra: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        events = [*self.events, *extra]
        slots = dict(self.slots)
        latest_action = self.latest_action_name
        for e in extra:
            if e["event"] == "slot":
                slots[e["name"]] = e["value"]
            elif e["event"] == "action":
                latest_action = e["name"]
        return {
            "sender_id": self.sender,
            "slots": slots,
            "latest_message": self.latest_message,
            "latest_event_time": events[-1]["timestamp"],
            "followup_action": None,
            "paused": False,
            "events": events,
            "latest_input_channel": "rest",
            "active_loop": {},
            "latest_action": {"action_name": latest_action},
            "latest_action_name": latest_action,
        }

    def apply(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            self.events.append(e)
            if e["event"] == "slot":
                self.slots[e["name"]] = e["value"]
            elif e["event"] == "action":
                self.latest_action_name = e["name"]

    def bot_events(self, answer: Answer) -> list[dict[str, Any]]:
        return [event("bot", text=r.get("text"), data={"buttons": r.get("buttons") or []},
                      metadata={}) for r in answer.responses]

    # -- the user speaks (Rasa asks Msaidizi's NLU, then runs action_extract_slots) -------------

    def user(self, text: str) -> dict[str, Any]:
        knowledge = self.runtime.knowledge
        router = self.runtime.router
        parse = rasa_parse(knowledge.parse(text[:1000], None), knowledge,
                           lambda name: router.handler_for(name) is not None)
        message_id = uuid.uuid4().hex
        parse_data = {**parse, "message_id": message_id, "metadata": {}}
        self.latest_message = parse_data
        self.apply([event("user", text=text, parse_data=parse_data, input_channel="rest",
                          message_id=message_id, metadata={}),
                    event("user_featurization", use_text_for_featurization=False)])
        self.latest_action_name = "action_listen"
        self.apply(self.extract_slots(parse_data))
        return parse_data

    def extract_slots(self, parse: dict[str, Any]) -> list[dict[str, Any]]:
        intent = parse["intent"]["name"]
        found = []
        for name, slot in DOMAIN["slots"].items():
            for mapping in slot.get("mappings", []):
                if intent in mapping.get("not_intent", []):
                    continue
                if mapping.get("intent") and intent not in [mapping["intent"]]:
                    continue
                if mapping["type"] == "from_text":
                    found.append(event("slot", name=name, value=parse["text"]))
                elif mapping["type"] == "from_entity":
                    values = [e["value"] for e in parse["entities"]
                              if e["entity"] == mapping["entity"]]
                    if values:
                        found.append(event("slot", name=name, value=values[0]))
        return found

    # -- Rasa runs actions ---------------------------------------------------------------------

    async def post(self, action: str, extra: Sequence[dict[str, Any]] = (), *,
                   version: str = VERSION) -> Answer:
        payload = {"next_action": action, "sender_id": self.sender,
                   "tracker": self.tracker(extra), "domain": DOMAIN, "version": version}
        self.calls.append(payload)
        response = await self.client.post("/webhook", json=payload)
        return Answer(response.status_code, response.json())

    async def repost(self) -> Answer:
        """Send the last call again, byte for byte (Rasa retrying after a timeout)."""
        response = await self.client.post("/webhook", json=self.calls[-1])
        return Answer(response.status_code, response.json())

    async def run(self, action: str) -> Answer:
        """Run a custom action and log its events on the tracker, as Rasa does."""
        answer = await self.post(action)
        assert answer.status == 200, answer.body
        self.apply([event("action", name=action, policy="policy_2_RulePolicy", confidence=1.0),
                    *self.bot_events(answer), *answer.events])
        return answer

    async def say(self, text: str) -> Answer:
        """Send a user message and run the action Rasa's rules pick for its intent."""
        parse = self.user(text)
        return await self.run(RULES.get(parse["intent"]["name"], FALLBACK_ACTION))
