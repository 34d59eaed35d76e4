"""Compose and push messages into an existing conversation from background work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.core.language import LONG_SILENCE, push_language
from bot.core.messages import ChoicesReply, InboundMessage, Reply, reply_to_dict
from bot.core.ports import (
    ConversationLocks,
    ConversationStore,
    LoggedMessage,
    ParseResult,
    Translations,
)
from bot.core.session import Session
from bot.core.signin import profile_language
from bot.core.turn import Turn
from common.timezone import utcnow

Render = Callable[[Turn], list[Reply]]
AfterPush = Callable[[str, Sequence[LoggedMessage]], Awaitable[None]]


def logged(seqs: Sequence[int], replies: Sequence[Reply], now: datetime) -> list[LoggedMessage]:
    """Return pushed replies as the message log keeps them (what their announcement carries)."""
    return [LoggedMessage(seq, "out", reply_to_dict(reply), now)
            for seq, reply in zip(seqs, replies, strict=True)]


async def log_pushed(store: ConversationStore, conversation_id: str, replies: Sequence[Reply],
                     *, once_key: str | None = None) -> list[LoggedMessage]:
    """Log pushed replies; return them as logged, or [] when `once_key` was pushed before."""
    now = utcnow()
    seqs = await store.append_outbound(conversation_id, replies, once_key=once_key, now=now)
    return logged(seqs, replies, now) if seqs else []


class Pusher:
    """Renders replies in the conversation's language and pushes them at most once.

    After a long silence the eCitizen profile's language decides instead (unless the citizen
    asked for a language), and the conversation continues in it until their words say
    otherwise.

    The conversation's lock is held while the session is read, the messages appended and
    the session saved, so a push never races a turn of the same conversation.
    """

    def __init__(self, store: ConversationStore, locks: ConversationLocks,
                 translations: Translations,
                 after_push: AfterPush,
                 silence: timedelta = LONG_SILENCE) -> None:
        self._silence = silence
        self._store = store
        self._locks = locks
        self._translations = translations
        self._after_push = after_push

    async def push(self, conversation_id: str, once_key: str, render: Render,
                   preferred: str | None = None) -> bool:
        """Render and push; return False when already pushed or there is nothing to say.

        `preferred` is the profile's language as the backend has it now; without it, the
        one remembered when the chat was linked.
        """
        async with self._locks.hold(conversation_id):
            if await self._store.was_handled(once_key):
                return False
            session = await self._store.load_by_id(conversation_id)
            if session is None:
                return False
            session.locale = push_language(
                locale=session.locale, explicit=session.locale_explicit,
                last_inbound_at=session.last_inbound_at,
                preferred=preferred or profile_language(session), now=utcnow(),
                silence=self._silence)
            replies = render(push_turn(session, self._translations))
            pushed = await log_pushed(self._store, conversation_id, replies,
                                      once_key=once_key) if replies else []
            if not pushed:
                return False  # nothing was said: the conversation's language stays as it was
            offered = [r for r in replies if isinstance(r, ChoicesReply)]
            if offered:  # a typed number then picks from what was pushed (a rating, a retry)
                session.choices = list(offered[-1].choices)
            await self._store.save_session(session)
        await self._after_push(conversation_id, pushed)
        return True


def push_turn(session: Session, translations: Translations) -> Turn:
    """Build the turn a renderer speaks through when nobody has written (a push)."""
    message = InboundMessage(session.channel, session.sender_id, "")
    nlu = ParseResult(text="", language=session.locale, ranking=())
    return Turn(message, session, translations, "", nlu)
