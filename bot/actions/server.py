"""The rasa-sdk action server: Msaidizi's actions on rasa-sdk's own Sanic endpoint."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

from bot.actions.actions import (
    ActionAnswerFaq,
    ActionCheckStatus,
    ActionEscalate,
    ActionLinkAccount,
    ActionMsaidizi,
    ActionPaymentHistory,
    ActionReportSecurity,
    ActionStartPayment,
)
from bot.actions.container import ActionContainer, container

ACTIONS: tuple[type[Action], ...] = (
    ActionMsaidizi,
    ActionAnswerFaq,
    ActionCheckStatus,
    ActionStartPayment,
    ActionPaymentHistory,
    ActionEscalate,
    ActionLinkAccount,
    ActionReportSecurity,
)


def build_executor() -> Any:
    """Return rasa-sdk's executor with every Msaidizi action registered."""
    executor = ActionExecutor()
    for action in ACTIONS:
        executor.register_action(action)
    return executor


def create_action_app(owner: ActionContainer = container) -> Any:
    """Build rasa-sdk's Sanic app (GET /health, GET /actions, POST /webhook) for our actions.

    rasa-sdk 3.21's `create_app` takes the executor (older 3.x took a package name). The
    runtime is built and its background loops started before the server takes requests,
    and closed after it stops.
    """
    app = create_app(build_executor(), cors_origins=[])

    async def start(*_: Any) -> None:
        await owner.ready()

    async def stop(*_: Any) -> None:
        await owner.close()

    app.register_listener(start, "before_server_start")
    app.register_listener(stop, "after_server_stop")
    return app
