"""Rasa's socket.io channel, as rasa-webchat and Rasa's own chat widget speak it.

The widget asks for a session (`session_request` -> `session_confirm`), sends `user_uttered`
and receives `bot_uttered`, with buttons as `quick_replies`. Like Rasa's REST channel it proves
nothing about who is chatting, so such a conversation reaches no account. Pushes (an agent's
reply) go to the session's room, across workers through Redis when it is configured.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

from bot.app import Runtime
from bot.channels.webchat import MAX_MESSAGE
from bot.core.messages import ChoicesReply, InboundMessage, LinkReply, Reply, conversation_id
from bot.core.ports import ConversationBusy, SharedStateUnavailable
from bot.core.session import Session
from bot.web.busy import busy_text

if TYPE_CHECKING:
    import socketio

logger = logging.getLogger(__name__)

CHANNEL = "socketio"
# The session id is the widget's only secret (its pushes go to that room), so one short enough
# to guess is replaced by a random one; rasa-webchat makes UUIDs.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{20,128}$")


def socketio_output(reply: Reply) -> dict[str, Any]:
    """Render one reply as Rasa's socket.io channel emits it."""
    out: dict[str, Any] = {"text": reply.text}
    if isinstance(reply, ChoicesReply):
        out["quick_replies"] = [{"content_type": "text", "title": c.title, "payload": c.payload}
                                for c in reply.choices]
    elif isinstance(reply, LinkReply):
        out["text"] = f"{reply.text}\n{reply.url}" if reply.text else reply.url
    return out


class SocketIOChannel:
    """The worker's socket.io server and ASGI app, built at their first use.

    Importing python-socketio (its clients and Redis manager with it) took 0.1-0.2 s of every
    start-up, and many workers never see a widget: the server is built, once, when a widget
    first connects to this worker or a reply is first pushed to one.
    """

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._built: tuple[socketio.AsyncServer, socketio.ASGIApp] | None = None

    def _build(self) -> tuple[socketio.AsyncServer, socketio.ASGIApp]:
        if self._built is None:  # the event loop's thread only: no race
            self._built = _build_server(self._runtime)
        return self._built

    @property
    def server(self) -> socketio.AsyncServer:
        """Return the socket.io server, built on first use."""
        return self._build()[0]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve the socket.io endpoint (ASGI)."""
        await self._build()[1](scope, receive, send)


class SocketIOSender:
    """Emits pushed replies to the widget's session room."""

    channel = CHANNEL

    def __init__(self, socket: SocketIOChannel) -> None:
        self._socket = socket

    async def send(self, session: Session, reply: Reply) -> None:
        """Emit `bot_uttered` to every socket of the session (a closed widget misses it)."""
        await self._socket.server.emit("bot_uttered", socketio_output(reply),
                                       room=session.sender_id)


def _address(server: socketio.AsyncServer, sid: str) -> str | None:
    """Return the widget's network address, so the per-address message limit applies too."""
    scope = (server.get_environ(sid) or {}).get("asgi.scope") or {}
    client = scope.get("client")
    return str(client[0]) if client else None


def create_socketio_app(runtime: Runtime) -> SocketIOChannel:
    """Return the socket.io ASGI app around the runtime, to be mounted at /socket.io."""
    socket = SocketIOChannel(runtime)
    runtime.add_sender(SocketIOSender(socket), pushes_only=True)
    return socket


def _build_server(runtime: Runtime) -> tuple[socketio.AsyncServer, socketio.ASGIApp]:
    """Build the socket.io server and its ASGI app, with the widget's events."""
    import socketio  # imported at first use: see SocketIOChannel

    settings = runtime.settings
    manager = (socketio.AsyncRedisManager(settings.redis_url) if settings.redis_url else None)
    # CORS headers come from the app's middleware (MSAIDIZI_WEB__CORS_ORIGINS), once: two
    # layers adding them made browsers refuse the polling transport. A socket from any site is
    # taken as any other client's would be: this channel reaches no account.
    server = socketio.AsyncServer(async_mode="asgi", client_manager=manager,
                                  cors_allowed_origins=[], logger=False, engineio_logger=False)

    async def session_request(sid: str, data: Any) -> None:
        """Confirm the widget's session id, or give it a new one."""
        asked = data.get("session_id") if isinstance(data, dict) else None
        session_id = asked if isinstance(asked, str) and _SESSION_ID.match(asked) else (
            uuid.uuid4().hex)
        await server.enter_room(sid, session_id)
        await server.save_session(sid, {"session_id": session_id})
        await server.emit("session_confirm", session_id, room=sid)

    async def user_uttered(sid: str, data: Any) -> None:
        """Run a turn for the widget's message and emit the replies to its session."""
        session_id = (await server.get_session(sid)).get("session_id")
        if not session_id or not isinstance(data, dict):
            return  # no session_request first, or not a message: nothing to answer
        text = data.get("message")
        if not isinstance(text, str) or len(text) > MAX_MESSAGE:
            return
        try:
            result = await runtime.handle(InboundMessage(
                channel=CHANNEL, sender_id=session_id, text=text, address=_address(server, sid)))
        except ConversationBusy as busy:  # not taken (or not confirmed): the widget has no resend
            # the database may be what did not answer: then the default language
            session = (None if isinstance(busy, SharedStateUnavailable) else
                       await runtime.store.load_by_id(conversation_id(CHANNEL, session_id)))
            t = runtime.translations.for_locale(session.locale if session
                                                else settings.default_locale)
            await server.emit("bot_uttered", {"text": t.gettext(busy_text(busy))}, room=sid)
            return
        for reply in result.replies:
            await server.emit("bot_uttered", socketio_output(reply), room=session_id)

    server.on("session_request", session_request)
    server.on("user_uttered", user_uttered)
    return server, socketio.ASGIApp(server, socketio_path="socket.io")
