"""Actions that need the chat's sign-in: require it, and explain backend trouble."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.backend import BackendUnavailable, ChatAuth, SignInNeeded
from bot.core.messages import Reply, TextReply
from bot.core.payloads import payload
from bot.core.results import Result
from bot.core.signin import current_auth, forget_sign_in
from bot.core.turn import Turn


def ask_to_sign_in(turn: Turn, resume: str) -> list[Reply]:
    """Start linking the account, then carry on with `resume` (a choice payload)."""
    turn.follow_up = payload("link_account", resume)
    return []


def service_unavailable(turn: Turn) -> list[Reply]:
    """Say the backend is not answering, in the citizen's language."""
    return [TextReply(turn._(
        "Sorry, the eCitizen service is unavailable right now. Please try again in a few "
        "minutes."))]


async def with_sign_in(
    turn: Turn, resume: str, action: Callable[[ChatAuth], Awaitable[Result]]
) -> Result:
    """Run `action` with the chat's sign-in, asking to link first (or again) when needed."""
    auth = current_auth(turn.session)
    if auth is None:
        return Result.of(ask_to_sign_in(turn, resume))
    try:
        return await action(auth)
    except SignInNeeded:
        forget_sign_in(turn.session)
        return Result.of([TextReply(turn._("Your sign-in in this chat has expired. Let us link "
                                           "your account again.")),
                          *ask_to_sign_in(turn, resume)])
    except BackendUnavailable:
        return Result.of(service_unavailable(turn))
