"""Link the citizen's eCitizen account to this chat: consent, ID or phone, one-time code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum

from bot.core.backend import BackendClient, BackendUnavailable, Rejected
from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.payloads import argument_of
from bot.core.ports import CodeQuotas, RateLimits
from bot.core.results import AccountLinked, Result
from bot.core.routing import Match
from bot.core.signin import CONSENT, chat_identity, current_auth, remember_sign_in
from bot.core.text import N_
from bot.core.turn import Turn
from bot.core.vocabulary import vocabulary
from bot.intents.account import service_unavailable
from bot.intents.forms import (
    CANCEL_HINT,
    END,
    START,
    Edges,
    End,
    Form,
    Next,
    Stay,
    Transition,
    yes_no,
)
from common.phones import parse_kenyan_mobile
from common.timezone import utcnow
from privacy import mask

CONSENT_VERSION = "2026-11-v1"
_ID_NUMBER = re.compile(r"^\d{6,9}$")
_CODE = re.compile(r"^\d{6}$")


def read_identifier(text: str) -> str | None:
    """Return an ID number, or a phone as 2547XXXXXXXX; None when it is neither."""
    phone = parse_kenyan_mobile(text)
    if phone is not None:
        return phone
    raw = re.sub(r"[\s-]", "", text)
    return raw if _ID_NUMBER.match(raw) else None


def read_code(text: str) -> str | None:
    """Return the 6-digit one-time code in `text`, or None."""
    code = re.sub(r"\s", "", text)
    return code if _CODE.match(code) else None


def wants_new_code(text: str) -> bool:
    """Return True when the citizen asks for the code again ("resend", "tuma tena")."""
    return vocabulary().anywhere("resend_code").matches(text)


class State(StrEnum):
    """Steps of linking an account."""

    CONSENT = "consent"
    IDENTIFIER = "identifier"
    CODE = "code"


class LinkAccountFlow(Form):
    """Consent, then ID number or phone, then the code sent by SMS; resumes the waiting action."""

    name = "link_account"
    title_msgid = N_("Link my eCitizen account")
    timeout = timedelta(minutes=10)
    answers = frozenset({"agree", "decline"})

    def __init__(self, backend: BackendClient, retention_days: int = 90,
                 limits: RateLimits | None = None, quotas: CodeQuotas | None = None,
                 idle: Mapping[str, timedelta] | None = None) -> None:
        self._backend = backend
        self._retention_days = retention_days
        self._limits = limits
        self._quotas = quotas or CodeQuotas()
        self._idle = dict(idle or {})
        self.states = {State.CONSENT: self._consent, State.IDENTIFIER: self._identifier,
                       State.CODE: self._code}
        self.prompts = {State.CONSENT: self._ask_consent, State.IDENTIFIER: self._ask_identifier,
                        State.CODE: self._ask_code}
        self.edges = Edges.of({START: [State.CONSENT, State.IDENTIFIER],
                                 State.CONSENT: [State.CONSENT, State.IDENTIFIER, END],
                                 State.IDENTIFIER: [State.IDENTIFIER, State.CODE, END],
                                 State.CODE: [State.CODE, END]})

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Start linking, remembering which action to carry on with afterwards."""
        resume = match.entities.get("argument", "")
        if not turn.message.verified:  # a bare sender id proves nothing: no account here
            return Result((TextReply(turn._(
                "I cannot link an eCitizen account over this connection, because it cannot "
                "prove who is writing. Please use the chat on our website, Telegram or "
                "WhatsApp.")),))
        if current_auth(turn.session) is not None:
            if resume:
                turn.follow_up = resume
                return Result()
            name = turn.session.data["auth"].get("first_name", "")
            return Result((TextReply(turn._(
                "Your eCitizen account (%(name)s) is already linked to this chat. Write "
                "\"log out\" to unlink it.", name=name)),))
        self.begin(turn)
        turn.session.slots["resume"] = resume
        return self.apply(turn, Next(State.IDENTIFIER if turn.session.data.get(CONSENT)
                                     else State.CONSENT))

    def _ask_consent(self, turn: Turn) -> list[Reply]:
        return [ChoicesReply(turn._(
            "To act on your eCitizen account in this chat, I need your consent (Data Protection "
            "Act, 2019):\n"
            "- What is used: your ID number or phone to find your account, and your "
            "applications, payments and reports when you ask about them.\n"
            "- Why: only to answer your requests in this chat.\n"
            "- How long: the link lasts 30 days or until you write \"log out\"; chat messages "
            "are kept for %(days)d days. Write \"my data\" to see what is held, \"delete my data\" "
            "to erase it.\n"
            "Do you agree?", days=self._retention_days),
            (Choice(turn._("Yes, I agree"), "link_account:agree"),
             Choice(turn._("No"), "link_account:decline")))]

    async def _consent(self, turn: Turn) -> Transition:
        answer = argument_of(turn.payload, self.name)
        agreed = {"agree": True, "decline": False}.get(answer) if answer else yes_no(turn)
        if agreed is None:
            return Stay(turn._("Please answer yes or no."))
        if not agreed:
            return End([TextReply(turn._("All right, I will not link your account. You can "
                                         "still ask me general questions."))])
        turn.session.data[CONSENT] = {"version": CONSENT_VERSION, "at": utcnow().isoformat()}
        return Next(State.IDENTIFIER)

    def _ask_identifier(self, turn: Turn) -> list[Reply]:
        return [TextReply(turn._("Please type your ID number or the phone number registered on "
                                 "eCitizen.") + " " + turn.t.gettext(CANCEL_HINT))]

    async def _identifier(self, turn: Turn) -> Transition:
        identifier = read_identifier(turn.text)
        if identifier is None:
            return Stay(turn._(
                "That does not look like an ID number (6 to 9 digits) or a Kenyan phone number "
                "(like 0712 345 678)."))
        # Kept as a secret, like the code: records mask an ID or phone by its usual shape, and
        # an ID typed "1234 5678" would otherwise stay in the chat log in full.
        turn.private_input = True
        turn.session.slots["identifier"] = identifier
        return await self._send_code(turn)

    async def _send_code(self, turn: Turn) -> Transition:
        """Ask for a code; from here on the flow waits for it ("resend" works once allowed)."""
        wait = await self._code_quota(turn)
        if wait is not None:
            minutes = max(1, -(-wait // 60))
            return Next(State.CODE, [TextReply(turn.t.ngettext(
                "Too many codes were asked for from here. Please wait %(minutes)d minute, then "
                "write \"resend\".",
                "Too many codes were asked for from here. Please wait %(minutes)d minutes, then "
                "write \"resend\".", minutes) % {"minutes": minutes})], ask=False)
        try:
            await self._backend.request_code(turn.session.slots["identifier"],
                                             chat_identity(turn.session))
        except BackendUnavailable:
            return End(service_unavailable(turn))
        except Rejected as exc:
            if exc.kind == "rate-limited":
                return Next(State.CODE, [TextReply(turn._(
                    "A code was sent very recently. Please wait a minute, then write "
                    "\"resend\"."))], ask=False)
            if exc.kind == "otp-locked":
                return End([TextReply(locked_message(turn))])
            raise
        return Next(State.CODE, [TextReply(turn._(
            "If %(masked)s matches an eCitizen account, a 6-digit code has been sent by SMS to "
            "the phone number on that account. Type the code here; it expires in 5 minutes.",
            masked=mask(turn.session.slots["identifier"])))], ask=False)

    async def _code_quota(self, turn: Turn) -> int | None:
        """Count a code request for this chat and its network address; return any wait."""
        if self._limits is None:
            return None
        return await self._limits.hit(self._quotas.hits(
            "code-requests", turn.session.conversation_id, turn.message.address))

    def _ask_code(self, turn: Turn) -> list[Reply]:
        return [TextReply(turn._("Please type the 6-digit code from the SMS, or write "
                                 "\"resend\" for a new one."))]

    async def _code(self, turn: Turn) -> Transition:
        if wants_new_code(turn.text):
            return await self._send_code(turn)
        code = read_code(turn.text)
        if code is None:
            return Stay(turn._("The code has 6 digits, like 123456."))
        turn.private_input = True  # the code is never kept, in the chat log or elsewhere
        try:
            linked = await self._backend.verify_code(
                turn.session.slots["identifier"], code, chat_identity(turn.session))
        except BackendUnavailable:
            return Next(State.CODE, service_unavailable(turn), ask=False)
        except Rejected as exc:
            if exc.kind == "otp-locked":
                return End([TextReply(locked_message(turn))])
            return Stay(turn._(
                "That code did not work: it is wrong or has expired. Check the SMS and type it "
                "again, or write \"resend\" for a new code."))
        resume = turn.session.slots.get("resume", "")
        remember_sign_in(turn.session, linked, self._idle.get(turn.session.channel))
        if not turn.session.has_language and linked.preferred_language in ("en", "sw"):
            # chosen on eCitizen: it decides only while the citizen's words have not
            turn.session.locale = linked.preferred_language
        if resume:
            turn.follow_up = resume
        return End([TextReply(turn._("Thank you, %(name)s. Your eCitizen account is now linked "
                                     "to this chat.", name=linked.first_name))],
                   [AccountLinked(linked.first_name)])





def locked_message(turn: Turn) -> str:
    """Say that signing in is locked after too many wrong codes."""
    return turn._("Too many wrong codes. For your security, signing in is locked for 15 minutes. "
                  "Please try again later.")
