"""rasa-sdk's endpoint with Msaidizi's actions: health, the action list, errors, versions."""

from __future__ import annotations

import httpx
import pytest

from bot.actions.server import ACTIONS
from tests.bot.actions.rasa import DOMAIN, RasaConversation


async def test_health_answers_ok(rasa_client: httpx.AsyncClient) -> None:
    response = await rasa_client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_actions_lists_every_action_of_the_domain(rasa_client: httpx.AsyncClient) -> None:
    response = await rasa_client.get("/actions")
    served = {a["name"] for a in response.json()}
    assert served == set(DOMAIN["actions"])
    assert len(served) == len(ACTIONS)


async def test_unknown_action_is_404(rasa: RasaConversation) -> None:
    rasa.user("hello")
    answer = await rasa.post("action_does_not_exist")
    assert answer.status == 404
    assert answer.body["action_name"] == "action_does_not_exist"


async def test_empty_body_is_400(rasa_client: httpx.AsyncClient) -> None:
    response = await rasa_client.post("/webhook", content=b"null",
                                      headers={"content-type": "application/json"})
    assert response.status_code == 400


@pytest.mark.filterwarnings("ignore:Your versions of rasa and rasa_sdk might not be compatible:UserWarning")
async def test_a_stock_rasa_open_source_call_is_answered(rasa: RasaConversation) -> None:
    rasa.user("How much is a passport?")
    answer = await rasa.post("action_answer_faq", version="3.6.20")
    assert answer.status == 200
    assert "KES 7,500" in answer.texts


def test_rasa_sdks_own_package_scan_finds_exactly_our_actions() -> None:
    # `rasa run actions --actions bot.actions` registers every non-abstract Action subclass
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert sorted(executor.actions) == sorted(a().name() for a in ACTIONS)
