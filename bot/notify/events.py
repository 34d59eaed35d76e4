"""Read the backend's event outbox and tell each citizen in the chat where they are."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from bot.core.backend import BackendClient, BackendError, BackendEvent
from bot.core.messages import Reply
from bot.core.ports import DurableSettings, TicketRoutes
from bot.core.signin import AUTH
from bot.core.turn import Turn
from bot.intents.notifications import render_event
from bot.notify.pushes import Pusher
from common.timezone import utcnow

logger = logging.getLogger(__name__)

Indicate = Callable[[str, str], Awaitable[None]]  # (conversation id, agent's name)

CURSOR = "backend_event_cursor"
TYPING_EVENT = "ticket.agent_typing"
# An agent's "typing" is shown only while it may still be true: one read after an outage or
# a restart shows nothing rather than a typing indicator for words sent long ago.
TYPING_FRESH = timedelta(seconds=8)
# Re-read a little before the cursor: an event committed late must not be skipped. The
# per-event push key makes a second look harmless.
LOOKBACK = 50


class EventConsumer:
    """Polls events after a durable cursor and pushes one message per event, at most once."""

    def __init__(self, backend: BackendClient, pusher: Pusher, settings: DurableSettings,
                 routes: TicketRoutes, *, interval: float = 1.0,
                 indicate: Indicate | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._backend = backend
        self._indicate = indicate
        self._clock = clock
        self._pusher = pusher
        self._settings = settings
        self._routes = routes
        self._interval = interval
        # Events of the lookback window this process has handled. Only a shortcut: after a
        # restart the window is looked at once more, and the push keys keep that harmless.
        self._done: set[int] = set()

    async def poll_once(self) -> int:
        """Handle the next page of events; return how many were new."""
        stored = await self._settings.get(CURSOR, "")
        if not stored:  # first start: the past is not news; begin with what happens next
            _, latest = await self._backend.events(0, limit=1)
            await self._settings.set(CURSOR, str(latest))
            return 0
        cursor = int(stored)
        events, _ = await self._backend.events(max(0, cursor - LOOKBACK), limit=200)
        handled = 0
        for event in events:
            if event.id in self._done:
                continue  # looked at already by this process: the lookback is for late commits
            if await self._deliver(event):
                handled += 1
            self._done.add(event.id)
        newest = max([cursor, *(event.id for event in events)])
        if newest > cursor:
            await self._settings.set(CURSOR, str(newest))
        # only what the next lookback can return is worth remembering
        self._done = {i for i in self._done if i > newest - LOOKBACK}
        return handled

    async def _deliver(self, event: BackendEvent) -> bool:
        if event.type == TYPING_EVENT:
            return await self._show_typing(event)
        targets, preferred = await self._targets(event)
        for conversation_id in targets:
            if await self._pusher.push(conversation_id, f"event:{event.id}",
                                       partial(_render, event=event), preferred):
                return True
        return False

    async def _show_typing(self, event: BackendEvent) -> bool:
        """Show that the agent is writing; an announcement seconds old is no longer true."""
        name = str(event.payload.get("agent_name") or "")
        fresh = event.created_at is not None and self._clock() - event.created_at < TYPING_FRESH
        if self._indicate is None or not name or not fresh:
            return False
        targets, _ = await self._targets(event)
        if targets:
            await self._indicate(targets[0], name)
        return bool(targets)

    async def _targets(self, event: BackendEvent) -> tuple[list[str], str | None]:
        """Return the chats to try in order, and the profile language when the backend says it.

        A ticket's current chat goes first; otherwise the citizen's linked chats.
        """
        if event.type.startswith("ticket."):
            number = str(event.payload.get("number", ""))
            moved = await self._routes.conversation_for(number) if number else None
            named = str(event.payload.get("conversation_id") or "")
            return [c for c in (moved, named) if c], None
        if event.citizen_id is None:
            return [], None
        chats, preferred = await self._backend.chat_identities(event.citizen_id)
        # the chat that started a payment hears its result while it is still signed in;
        # otherwise the most recently used chat first: that is where the citizen is
        linked = [f"{chat.channel}:{chat.sender_id}" for chat in chats]
        started_in = str(event.payload.get("conversation_id") or "")
        if started_in in linked:
            return [started_in, *(c for c in linked if c != started_in)], preferred
        return linked, preferred

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; a backend outage only delays notifications."""
        while not stop.is_set():
            try:
                await self.poll_once()
            except BackendError as exc:
                logger.warning("Event polling paused: %s", type(exc).__name__)
            except Exception:
                logger.exception("Event polling failed")
            try:
                await asyncio.wait_for(stop.wait(), self._interval)
            except TimeoutError:
                continue


def _render(turn: Turn, event: BackendEvent) -> list[Reply]:
    """Render an event for a chat, unless it happened before this chat was linked."""
    linked_at = (turn.session.data.get(AUTH) or {}).get("linked_at")
    if (linked_at and not event.type.startswith("ticket.") and event.created_at
            and event.created_at < datetime.fromisoformat(linked_at)):
        return []
    return render_event(turn, event.type, event.payload)
