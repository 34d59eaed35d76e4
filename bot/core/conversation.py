"""The conversation core: one inbound message in, a list of replies out, state saved."""

from __future__ import annotations

import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from bot.core.language import (
    clear_language,
    detect_language,
    explicit_language_request,
    is_bare_answer,
    is_indicative,
)
from bot.core.messages import ChoicesReply, InboundMessage, Reply, TextReply
from bot.core.payloads import SEPARATOR, Payload, choice_number, title_key
from bot.core.ports import (
    ConversationStore,
    MatchEvent,
    MessageQuotas,
    Nlu,
    NoObserver,
    ParseResult,
    Translations,
    TurnGate,
    TurnObserver,
)
from bot.core.results import Result, TurnResult
from bot.core.routing import Router
from bot.core.session import Session
from bot.core.signin import current_auth
from bot.core.turn import Turn
from privacy import mask_kinds

logger = logging.getLogger(__name__)

MAX_TEXT = 1000  # longer messages are cut: nobody's question needs more, and matching stays fast
PRIVATE = "••••••"  # what the record keeps of a secret the citizen typed (code, linking ID)
STORED_MASKS = ("id", "phone")  # kept in records only masked (agents reveal M-Pesa codes)
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_ONLY = re.compile(r"^\s*\d{3}\s?\d{3}\s*$")


def new_reference_id() -> str:
    """Return a short id a citizen can read out to support (no look-alike characters)."""
    return "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def clean_text(text: str) -> str:
    """Drop control characters and collapse whitespace; keep every visible character."""
    if text.isascii() and text.isprintable():  # most messages: nothing to normalise or drop
        return " ".join(text.split())[:MAX_TEXT]
    text = unicodedata.normalize("NFC", text)
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(kept.split())[:MAX_TEXT]


class Conversation:
    """Runs turns: dedupe, lock, load the session, route, save, with one error boundary."""

    def __init__(
        self,
        *,
        store: ConversationStore,
        gate: TurnGate,
        router: Router,
        nlu: Nlu,
        translations: Translations,
        default_locale: str = "en",
        quotas: MessageQuotas | None = None,
        observer: TurnObserver | None = None,
    ) -> None:
        self._observer = observer or NoObserver()
        self._quotas = quotas or MessageQuotas()
        self._store = store
        self._gate = gate
        self._router = router
        self._nlu = nlu
        self._translations = translations
        self._default_locale = default_locale

    @property
    def store(self) -> ConversationStore:
        """Return the conversation store (adapters read the message log through it)."""
        return self._store

    async def handle(self, message: InboundMessage) -> TurnResult:
        """Run one turn; a redelivered message gets its first answer again.

        The conversation is locked once and its session loaded once; the session, the
        message, the replies and a summary for redeliveries are written in one transaction.
        """
        started = time.perf_counter()
        kind, result = "error", None
        try:
            kind, result = await self._handle(message)
            return result
        finally:
            self._observer.turn_done(message.channel, kind, time.perf_counter() - started, result)

    async def _handle(self, message: InboundMessage) -> tuple[str, TurnResult]:
        """Run one turn; return what kind of turn it was ("answered", "duplicate", "limited")."""
        hits = self._quotas.hits("messages", message.conversation_id, message.address)
        async with self._gate.admit(message.conversation_id, hits) as admission:
            session = await self._store.open_turn(message)
            if isinstance(session, TurnResult):
                logger.info(
                    "Duplicate inbound message ignored",
                    extra={"channel": message.channel, "conversation_id": message.conversation_id},
                )
                return "duplicate", session
            if admission.wait is not None:  # nothing stored: a flood must not grow the database
                return "limited", self._summarise(
                    session, Result((self._slow_down(session, admission.wait),)))
            pushed = (tuple(await self._store.pushed_since_last_turn(message.conversation_id))
                      if message.catch_up else ())
            result, matches, stored, transitions = await self._run_turn(session, message)
            outcome = self._summarise(session, result, pushed, transitions)
            await self._store.commit_turn(session, stored, result.replies, matches,
                                          outcome.summary())
            admission.announce()  # to other open tabs or devices, once the lock is released
        return "answered", outcome

    @staticmethod
    def _summarise(session: Session, result: Result, pushed: tuple[Reply, ...] = (),
                   transitions: tuple[tuple[str, str, str], ...] = ()) -> TurnResult:
        """Describe the turn and the conversation after it, as callers read them."""
        return TurnResult(result.replies, result.events, locale=session.locale,
                          linked=current_auth(session) is not None, flow=session.flow,
                          pushed=pushed, transitions=transitions)

    def _slow_down(self, session: Session, wait: int) -> Reply:
        logger.warning("Message quota exceeded", extra={"conversation_id": session.conversation_id})
        t = self._translations.for_locale(session.locale)
        return TextReply(t.ngettext(
            "You are sending messages very fast. Please wait %(seconds)d second, then try again.",
            "You are sending messages very fast. Please wait %(seconds)d seconds, then try again.",
            wait) % {"seconds": wait})

    async def _run_turn(
        self, session: Session, message: InboundMessage
    ) -> tuple[Result, list[MatchEvent], InboundMessage, tuple[tuple[str, str, str], ...]]:
        """Build the turn and dispatch it; any failure becomes a localised apology.

        Returns the result, the match events, the message as the record keeps it and the
        flow transitions taken.
        """
        turn: Turn | None = None
        try:
            turn = self._start_turn(session, message)
            result = (await self._router.dispatch(turn) if turn
                      else Result((self._empty(session),)))
        except Exception:
            ref = new_reference_id()
            logger.exception(
                "Turn failed (ref %s)",
                ref,
                extra={"channel": message.channel, "conversation_id": message.conversation_id},
            )
            t = self._translations.for_locale(session.locale)
            text = t.gettext(
                "Sorry, something went wrong on our side (ref %(ref)s). Please try again."
            )
            result = Result((TextReply(text % {"ref": ref}),))
        stored = stored_message(message, private=turn is not None and turn.private_input)
        self._finish_turn(session, stored, result.replies)
        return (result, (turn.events if turn else []), stored,
                tuple(turn.transitions) if turn else ())

    def _start_turn(self, session: Session, message: InboundMessage) -> Turn | None:
        """Clean the text, resolve typed numbers, settle the language and parse."""
        text = clean_text(message.text)
        payload = message.choice.strip()[:64] if message.choice else None
        if payload is None and (sent := self._typed_payload(text, session)) is not None:
            payload = sent  # a button's payload sent as text (Rasa clients, earlier buttons)
        number = choice_number(text) if payload is None else None
        if number is not None and 0 < number <= len(session.choices):
            payload = session.choices[number - 1].payload  # others: the choice_number intent
        if payload is None and message.suggested and session.flow is None:
            payload = message.suggested.strip()[:64]
        if payload is None and not _has_words(text):
            return None
        # Words typed beside a choice (Rasa sends both) settle the language; a button's own
        # title, a /command or a deep link do not.
        typed = payload is None or (
            bool(text) and not text.startswith("/") and text != payload
            and all(c.title != text for c in session.choices))
        detected = self._settle_language(session, message, text) if typed else None
        if not typed and session.is_new:
            session.locale = self._hinted_locale(message)  # a first tap or deep link
        nlu = (
            self._nlu.parse(text, session.locale)
            if payload is None
            else ParseResult(text=text, language=session.locale, ranking=())
        )
        return Turn(
            message=message,
            session=session,
            translations=self._translations,
            text=text,
            nlu=nlu,
            payload=payload,
            detected_language=detected,
        )

    def _typed_payload(self, text: str, session: Session) -> str | None:
        """Return the payload a text carries: a button on screen, or `name:arg` / Rasa's `/name`.

        A button on screen is found by its payload or by its title typed as text. A bare word
        ("menu") is left to the rules and the matcher; only text that can be nothing but a
        payload, naming a handler, is taken as one.
        """
        key = title_key(text)
        for choice in session.choices:
            if choice.payload == text or (key and title_key(choice.title) == key):
                return choice.payload
        typed = Payload.typed(text)
        if typed is None or not (text.startswith("/") or SEPARATOR in text):
            return None
        return str(typed) if self._router.handler_for(typed.name) is not None else None

    def _settle_language(self, session: Session, message: InboundMessage, text: str) -> str | None:
        """Follow the language of a message that is clear; keep the conversation's otherwise.

        A message that says little about its language (a reference, a digit) leaves the
        language as it is; a first such message takes the channel's hint, without settling
        it, so that a linked profile's preference may still decide. A language the citizen
        asked for holds until they ask for another.
        """
        requested = explicit_language_request(text)
        if requested:
            return requested  # the change_language handler switches and confirms
        detection = detect_language(text)
        clear = None if is_bare_answer(text) else clear_language(detection)
        if session.locale_explicit:
            return detection.language
        if clear is not None:
            session.settle_locale(clear)
        elif session.is_new:
            if detection.language and is_indicative(detection):
                session.locale = detection.language  # a hint, not yet the chat's language
            else:
                session.locale = self._hinted_locale(message)
        return detection.language

    def _hinted_locale(self, message: InboundMessage) -> str:
        """Return the channel's language hint if supported, else the default language."""
        hint = (message.locale_hint or "")[:2].lower()
        return hint if hint in self._translations.locales else self._default_locale

    def _empty(self, session: Session) -> Reply:
        """Answer a message with nothing to read in it (blank, emoji only, symbols)."""
        t = self._translations.for_locale(session.locale)
        return TextReply(t.gettext(
            "I could not read a question in that message. Please type your question, or send "
            "\"menu\" to see what I can help with."))

    @staticmethod
    def _finish_turn(session: Session, message: InboundMessage, replies: Sequence[Reply]) -> None:
        """Note when the citizen wrote and which numbered choices are now on screen.

        The exchange itself is in the message log (a ticket's transcript is read from it),
        not in the session state written on every turn.
        """
        session.last_inbound_at = message.received_at
        offered = [r for r in replies if isinstance(r, ChoicesReply)]
        session.choices = list(offered[-1].choices) if offered else []


def stored_message(message: InboundMessage, *, private: bool) -> InboundMessage:
    """Return the message as records keep it: cut, ID numbers and phones masked, secrets gone.

    A message that is only six digits is kept as a secret wherever it was typed: it is the
    shape of a one-time code.
    """
    if private or _CODE_ONLY.match(message.text):
        return replace(message, text=PRIVATE if message.text else "")
    return replace(message, text=mask_kinds(clean_text(message.text), STORED_MASKS))


def _has_words(text: str) -> bool:
    """Return True when the text has at least one letter or digit."""
    return any(ch.isalnum() for ch in text)
