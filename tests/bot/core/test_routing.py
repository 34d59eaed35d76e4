"""Router: payloads, interrupts, flows with timeout and digressions, confidence bands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.core.messages import Choice, ChoicesReply, InboundMessage, Reply, TextReply
from bot.core.payloads import Payload, argument_of, payload
from bot.core.ports import IntentScore, ParseResult
from bot.core.results import Result
from bot.core.routing import Bands, Match, Router
from bot.core.session import Session
from bot.core.turn import Turn
from bot.i18n import Catalogs
from common.timezone import utcnow
from tests.conftest import REPO


class Simple:
    topic = True

    def __init__(self, name: str, rule: str | None = None) -> None:
        self.name, self._rule = name, rule

    def handles(self, intent: str) -> bool:
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        return intent.upper()

    def match(self, turn: Turn) -> Match | None:
        return Match(100.0, self.name) if self._rule and turn.text == self._rule else None

    async def handle(self, turn: Turn, match: Match) -> Result:
        if self.name == "cancel":
            turn.session.end_flow()
        return Result.text(f"{self.name}:{match.entities.get('argument', '')}")


class AskName:
    """A two-step flow: asks a name, then says it back."""

    name = "ask_name"
    timeout = timedelta(minutes=10)

    def handles(self, intent: str) -> bool:
        return intent == self.name

    def title(self, intent: str, turn: Turn) -> str:
        return "Ask name"

    def match(self, turn: Turn) -> Match | None:
        return None

    async def handle(self, turn: Turn, match: Match) -> Result:
        turn.session.start_flow(self.name, "name")
        return Result.text("What is your name?")

    async def step(self, turn: Turn) -> Result | None:
        if "?" in turn.text:
            return None  # a question, not a name
        turn.session.end_flow()
        return Result.text(f"Hello {turn.text}")

    def reprompt(self, turn: Turn) -> list[Reply]:
        return [TextReply("So, what is your name?")]

    def expired(self, turn: Turn) -> list[Reply]:
        return [TextReply("That took a while; let us start again.")]

    def is_answer(self, argument: str) -> bool:
        return argument == "stale"


class Misses:
    def did_you_mean(self, turn: Turn, options: Sequence[tuple[str, str]]) -> list[Reply]:
        return [ChoicesReply("did you mean", tuple(Choice(t, p) for t, p in options))]

    def miss(self, turn: Turn) -> list[Reply]:
        return [TextReply("miss")]

    def followed(self, turn: Turn) -> None:
        return None


def make_turn(text: str, ranking: Sequence[tuple[str, float]] = (), *, payload: str | None = None,
              session: Session | None = None) -> Turn:
    session = session or Session("t:1", "t", "1")
    nlu = ParseResult(text, "en", tuple(IntentScore(n, c) for n, c in ranking))
    return Turn(InboundMessage("t", "1", text), session, Catalogs(REPO / "locales"), text, nlu,
                payload=payload)


@pytest.fixture
def router() -> Router:
    handlers = [Simple("cancel", "cancel"), Simple("menu", "menu"), Simple("faq"), AskName(),
                Simple("greet")]
    return Router(handlers, Misses(), Bands(answer=0.5, margin=0.1, suggest=0.2),
                  interrupts=("cancel", "menu"))


async def test_router_confident_top_answers(router: Router) -> None:
    replies = (await router.dispatch(make_turn("hi", [("greet", 0.9), ("faq", 0.1)]))).replies
    assert replies[0].text == "greet:"


async def test_router_close_second_offers_did_you_mean(router: Router) -> None:
    replies = (await router.dispatch(make_turn("x", [("greet", 0.6), ("faq", 0.55), ("menu", 0.1)]))).replies
    assert isinstance(replies[0], ChoicesReply)
    assert [c.payload for c in replies[0].choices] == ["greet", "faq"]


async def test_router_low_confidence_misses(router: Router) -> None:
    replies = (await router.dispatch(make_turn("x", [("greet", 0.15)]))).replies
    assert replies[0].text == "miss"


async def test_router_unknown_labels_are_ignored(router: Router) -> None:
    replies = (await router.dispatch(make_turn("x", [("nobody", 0.99), ("greet", 0.8)]))).replies
    assert replies[0].text == "greet:"


async def test_router_payload_carries_argument(router: Router) -> None:
    replies = (await router.dispatch(make_turn("", payload="faq:passport-fees"))).replies
    assert replies[0].text == "faq:passport-fees"


async def test_router_unknown_payload_misses(router: Router) -> None:
    replies = (await router.dispatch(make_turn("", payload="nope:1"))).replies
    assert replies[0].text == "miss"


async def test_router_flow_takes_next_message(router: Router) -> None:
    session = Session("t:1", "t", "1")
    await router.dispatch(make_turn("", payload="ask_name", session=session))
    assert session.flow == "ask_name"
    replies = (await router.dispatch(make_turn("Achieng", [("greet", 0.9)], session=session))).replies
    assert replies[0].text == "Hello Achieng"
    assert session.flow is None


async def test_router_digression_is_answered_then_flow_reprompts(router: Router) -> None:
    session = Session("t:1", "t", "1")
    await router.dispatch(make_turn("", payload="ask_name", session=session))
    replies = (await router.dispatch(make_turn("hi?", [("greet", 0.9)], session=session))).replies
    assert [r.text for r in replies] == ["greet:", "So, what is your name?"]
    assert session.flow == "ask_name"


async def test_router_interrupt_cancel_leaves_flow(router: Router) -> None:
    session = Session("t:1", "t", "1")
    await router.dispatch(make_turn("", payload="ask_name", session=session))
    replies = (await router.dispatch(make_turn("cancel", session=session))).replies
    assert replies[0].text == "cancel:"
    assert session.flow is None


async def test_router_expired_flow_apologises_and_routes_normally(router: Router) -> None:
    session = Session("t:1", "t", "1")
    await router.dispatch(make_turn("", payload="ask_name", session=session))
    session.flow_started_at = utcnow() - timedelta(hours=1)
    replies = (await router.dispatch(make_turn("hello", [("greet", 0.9)], session=session))).replies
    assert [r.text for r in replies] == ["That took a while; let us start again.", "greet:"]
    assert session.flow is None


def test_payloads_split_on_the_first_separator_and_build_back() -> None:
    assert Payload.parse("faq:a:b") == Payload("faq", "a:b")
    assert Payload.parse("menu") == Payload("menu")
    assert str(Payload("rating", "T-1:5")) == payload("rating", "T-1", 5) == "rating:T-1:5"
    assert argument_of("start_payment:confirm", "start_payment") == "confirm"
    assert argument_of("start_payment:confirm", "faq") == argument_of(None, "faq") == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("start_payment:confirm", Payload("start_payment", "confirm")),
    ("/menu", Payload("menu")),
    ('/check_status{"reference": "PP-2025-000123"}', Payload("check_status", "PP-2025-000123")),
    ("/greet{}", Payload("greet")),
    ("how much is a passport", None),
    ('/check_status{"reference": ', None),
    ("/check_status[1]", None),
])
def test_payloads_typed_as_text_include_rasas_shapes(text: str, expected: Payload | None) -> None:
    assert Payload.typed(text) == expected


class Chainer(Simple):
    async def handle(self, turn: Turn, match: Match) -> Result:
        turn.follow_up = "faq:after-sign-in"
        return Result.text("signed in")


async def test_router_runs_follow_up_payload_in_the_same_turn() -> None:
    router = Router([Chainer("link"), Simple("faq")], Misses(), Bands())
    replies = (await router.dispatch(make_turn("", payload="link"))).replies
    assert [r.text for r in replies] == ["signed in", "faq:after-sign-in"]


async def test_a_flow_button_tapped_after_the_flow_ended_is_called_stale(router: Router) -> None:
    replies = (await router.dispatch(make_turn("", payload="ask_name:stale"))).replies
    assert isinstance(replies[0], ChoicesReply)
    assert [c.payload for c in replies[0].choices] == ["ask_name", "menu"]
    assert "Ask name" in replies[0].text
