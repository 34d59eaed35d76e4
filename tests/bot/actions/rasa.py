"""A small stand-in for Rasa's side of the action server protocol, driving the real endpoint.

`RasaConversation` keeps a tracker as Rasa 3 does (events, slots, latest message, active
loop), parses each user message with Msaidizi's NLU exactly as Rasa gets it from
`POST /model/parse`, applies the domain's slot mappings, and posts Rasa's own `/webhook`
payloads (`next_action`, `sender_id`, `tracker`, `domain`, `version`) to the rasa-sdk app.
`form()` follows rasa/core/actions/forms.py: validate, then ask for the next slot.
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
class FormRun:
    """What one run of a form action did: the validation answer and the question asked."""

    validation: Answer
    ask: Answer | None
    done: bool
    rejected: bool = False

    @property
    def texts(self) -> str:
        return "\n".join(a.texts for a in (self.validation, self.ask) if a is not None)

    @property
    def buttons(self) -> list[str]:
        return [*self.validation.buttons, *(self.ask.buttons if self.ask else [])]


@dataclass
class RasaConversation:
    """One Rasa conversation talking to the action server."""

    client: httpx.AsyncClient
    runtime: Runtime
    sender: str = field(default_factory=lambda: f"rasa-user-{uuid.uuid4().hex[:8]}")
    events: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    latest_message: dict[str, Any] = field(default_factory=dict)
    active_loop: dict[str, Any] = field(default_factory=dict)
    latest_action_name: str | None = "action_listen"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = {name: None for name in DOMAIN["slots"]}
        self.slots |= {"requested_slot": None, "session_started_metadata": None}
        self.events = [event("action", name="action_session_start", policy=None,
                             confidence=1.0),
                       event("session_started"),
                       event("action", name="action_listen", policy=None, confidence=None)]

    # -- Rasa's tracker ------------------------------------------------------------------------

    def tracker(self, extra: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        events = [*self.events, *extra]
        slots = dict(self.slots)
        latest_action = self.latest_action_name
        active_loop = self.active_loop
        for e in extra:
            if e["event"] == "slot":
                slots[e["name"]] = e["value"]
            elif e["event"] == "action":
                latest_action = e["name"]
            elif e["event"] == "active_loop":
                active_loop = {"name": e["name"]} if e["name"] else {}
        return {
            "sender_id": self.sender,
            "slots": slots,
            "latest_message": self.latest_message,
            "latest_event_time": events[-1]["timestamp"],
            "followup_action": None,
            "paused": False,
            "events": events,
            "latest_input_channel": "rest",
            "active_loop": active_loop,
            "latest_action": {"action_name": latest_action},
            "latest_action_name": latest_action,
        }

    def apply(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            self.events.append(e)
            if e["event"] == "slot":
                self.slots[e["name"]] = e["value"]
            elif e["event"] == "active_loop":
                self.active_loop = {"name": e["name"]} if e["name"] else {}
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
                conditions = mapping.get("conditions")
                if conditions and not any(
                        c.get("active_loop") == self.active_loop.get("name")
                        and c.get("requested_slot") == self.slots.get("requested_slot")
                        for c in conditions):
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

    async def form(self, name: str) -> FormRun:
        """Run Rasa's FormAction for `name` once (activation or one validated answer)."""
        required = DOMAIN["forms"][name]["required_slots"]
        activating = self.active_loop.get("name") != name
        since_user = self.events[self._last_user_index():]
        candidates = [] if activating else [e for e in since_user if e["event"] == "slot"
                                            and e["name"] in required]
        requested = None if activating else self.slots.get("requested_slot")
        head = [event("slot", name="requested_slot", value=requested),
                event("action", name=name, policy=None, confidence=None)]
        validation = await self.post(f"validate_{name}", [*head, *candidates])
        assert validation.status == 200, validation.body
        named = {e["name"] for e in validation.events if e["event"] == "slot"}
        events = [*([event("active_loop", name=name)] if activating else []),
                  *self.bot_events(validation), *validation.events,
                  *[c for c in candidates if c["name"] not in named]]
        validated = any(e["event"] == "slot" and e["name"] != "requested_slot" for e in events)
        if requested and not validated:
            return FormRun(validation, None, done=False, rejected=True)
        slots = dict(self.slots)
        for e in events:
            if e["event"] == "slot":
                slots[e["name"]] = e["value"]
        chosen = [e["value"] for e in validation.events
                  if e["event"] == "slot" and e["name"] == "requested_slot"]
        if chosen and chosen[-1] is None:
            ask_for = None
        else:
            ask_for = (chosen[-1] if chosen else
                       next((s for s in required if slots.get(s) is None), None))
        ask = None
        if ask_for:
            events.append(event("slot", name="requested_slot", value=ask_for))
            temp = [*head, *events]
            ask = await self.post(f"action_ask_{ask_for}", temp)
            assert ask.status == 200, ask.body
            events += [*self.bot_events(ask), *ask.events]
        else:
            events += [event("slot", name="requested_slot", value=None),
                       event("active_loop", name=None)]
        self.apply([event("action", name=name, policy="policy_2_RulePolicy", confidence=1.0),
                    *events])
        return FormRun(validation, ask, done=ask_for is None)

    def deactivate(self) -> None:
        """Run Rasa's action_deactivate_loop (a rule's answer to "cancel" during a form)."""
        self.apply([event("action", name="action_deactivate_loop", policy=None, confidence=1.0),
                    event("active_loop", name=None)])

    def _last_user_index(self) -> int:
        return max(i for i, e in enumerate(self.events) if e["event"] == "user")
