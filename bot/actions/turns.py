"""Turns taken from Rasa: replay a retried call, log work done outside the router, language."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.actions.calls import Call
from bot.actions.render import utter
from bot.core.conversation import clean_text
from bot.core.language import detect_language, explicit_language_request, is_clear
from bot.core.messages import ChoicesReply, InboundMessage, Reply, reply_from_dict
from bot.core.session import Session
from bot.core.turn import Turn

ANSWER = "rasa_answer"  # the last action call's responses and events, replayed on a retry
PROMPTED = "rasa_prompted"  # the user message whose answer already asked the next question
LOGGED = "rasa_logged"  # the user message already in the conversation's log
SEEN = "rasa_seen"  # the last logged message Rasa has shown; later ones were pushed meanwhile

Events = list[dict[str, Any]]


async def replay(call: Call) -> tuple[Events, Events] | None:
    """Return the responses and events already given to this very call, if Rasa retries it."""
    call_id = call.id
    if call_id is None:
        return None
    session = await call.runtime.store.load_by_id(call.conversation_id)
    kept = session.data.get(ANSWER) if session else None
    if not kept or kept.get("id") != call_id:
        return None
    return list(kept["responses"]), list(kept["events"])


def keep_answer(session: Session, call: Call, responses: Events, events: Events) -> None:
    """Remember this call's answer in the session, to replay it if the call comes again."""
    call_id = call.id
    if call_id is not None:
        session.data[ANSWER] = {"id": call_id, "responses": responses, "events": events}


async def save_answer(call: Call, responses: Events, events: Events) -> None:
    """Keep the answer of a call whose turn (and message) the conversation core stored."""
    runtime = call.runtime
    async with runtime.locks.hold(call.conversation_id):
        session = await call.session()
        keep_answer(session, call, responses, events)
        session.data[LOGGED] = call.user_key()
        _, session.data[SEEN] = await pushed_since(call, session)
        await runtime.store.save_session(session)


async def pushed_since(call: Call, session: Session) -> tuple[list[Reply], int]:
    """Return what was pushed since Rasa last showed messages, and the newest sequence number.

    Rasa's REST channel cannot be pushed to, so payment results, agent replies and reports
    filed later are shown before the answer to the citizen's next message.
    """
    seen = int(session.data.get(SEEN) or 0)
    logged = await call.runtime.store.messages_after(call.conversation_id, seen, limit=1000)
    pushed = [reply_from_dict(m.body) for m in logged if m.direction == "out"]
    return pushed, (logged[-1].seq if logged else seen)


@dataclass
class Logged:
    """A turn answered outside the router (form validation, filing): what was said and set."""

    turn: Turn
    dispatcher: Any
    replies: list[Reply] = field(default_factory=list)
    events: Events = field(default_factory=list)

    @property
    def session(self) -> Session:
        """Return the conversation's session (saved when the turn ends)."""
        return self.turn.session

    def say(self, replies: Sequence[Reply]) -> None:
        """Answer the citizen now and log the replies with the turn."""
        self.replies.extend(replies)
        utter(self.dispatcher, replies)


@asynccontextmanager
async def logged_turn(call: Call, dispatcher: Any, *, inbound_text: str,
                      inbound: bool) -> AsyncIterator[Logged]:
    """Hold the conversation, give the caller its session, then store everything at once.

    With `inbound`, the citizen's message is logged too (as `inbound_text`, masked by the
    caller), unless another action of the same Rasa turn logged it already.
    """
    runtime = call.runtime
    message = call.message(None, text=inbound_text)
    async with runtime.locks.hold(call.conversation_id):
        session = await runtime.store.load(message)
        settle_language(call, session)
        pushed, last = await pushed_since(call, session)
        utter(dispatcher, pushed)
        logged = Logged(call.turn(session, message), dispatcher)
        yield logged
        keep_answer(session, call, list(dispatcher.messages), logged.events)
        key = call.user_key()
        if inbound and (key is None or session.data.get(LOGGED) != key):
            session.data[LOGGED] = key
            # the turn logs the message and the replies right after `last` (we hold the lock)
            session.data[SEEN] = last + 1 + len(logged.replies)
            finish(session, logged.replies, message)
            await runtime.store.commit_turn(session, message, logged.replies, logged.turn.events)
        else:
            session.data[SEEN] = last + len(logged.replies)
            finish(session, logged.replies, None)
            await runtime.store.save_session(session)
            if logged.replies:
                await runtime.store.append_outbound(call.conversation_id, logged.replies)
    await runtime.signal.publish(call.conversation_id)


def finish(session: Session, replies: Sequence[Reply], message: InboundMessage | None) -> None:
    """Remember the exchange and the options now on screen, as the conversation core does."""
    if message is not None:
        session.last_inbound_at = message.received_at
        session.remember("citizen", clean_text(message.text))
    for reply in replies:
        session.remember("bot", reply.text)
    offered = [r for r in replies if isinstance(r, ChoicesReply)]
    if offered or message is not None:
        session.choices = list(offered[-1].choices) if offered else []


def mark_prompted(call: Call, session: Session) -> None:
    """Note that the answer to the latest message already asks the form's next question."""
    session.data[PROMPTED] = call.user_key()


def already_prompted(call: Call, session: Session) -> bool:
    """Return True when the next question was asked with the answer to the latest message."""
    key = call.user_key()
    return key is not None and session.data.get(PROMPTED) == key


async def follow_language(call: Call, message: InboundMessage) -> None:
    """Let typed words that come with a choice change the conversation's language.

    The core settles the language only for typed messages; a Rasa action sends the typed
    words together with the choice Rasa made, so the same rule is applied here first. A
    new conversation takes the hint (Rasa's detected language) in the core itself.
    """
    if message.choice is None or clean_text(message.text) == message.choice:
        return
    runtime = call.runtime
    async with runtime.locks.hold(call.conversation_id):
        session = await runtime.store.load(message)
        if not session.is_new and settle_language(call, session):
            await runtime.store.save_session(session)


def settle_language(call: Call, session: Session) -> bool:
    """Apply the core's language rule to the latest message; return True if it changed.

    A new conversation takes the hint (the `language` slot, else the language Msaidizi's NLU
    detected); later, only typed words in a clearly different language switch it, and only
    when the citizen has not chosen a language.
    """
    locales = call.runtime.translations.locales
    before = session.locale
    if session.is_new and not session.history:
        hint = (call.locale_hint() or "")[:2].lower()
        session.locale = hint if hint in locales else call.runtime.settings.default_locale
        return session.locale != before
    text = clean_text(call.text)
    if session.locale_explicit or call.tapped() is not None or not text \
            or explicit_language_request(text):
        return False  # asking for a language is the change_language handler's business
    detection = detect_language(text)
    if is_clear(detection) and detection.language in locales:
        session.locale = detection.language
    return session.locale != before
