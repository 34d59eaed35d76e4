"""Link the citizen's eCitizen account in Rasa: link_account_form and action_link_account.

The form asks for consent (only before the first link), the ID number or phone, and the
one-time code, with the chat flow's questions. The code is verified by the backend and the
sign-in is kept in Msaidizi's session, so every other action sees it. Slots never hold the
ID number or the code: `identifier` holds it masked and `code` holds "verified".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions.base import MsaidiziAction, conversation_slots
from bot.actions.calls import Call
from bot.actions.forms import AskAction, FormWork, MsaidiziForm, work_of
from bot.actions.names import LINK_FORM, LINK_SLOTS, LINK_STATE, RESUME
from bot.actions.render import utter
from bot.actions.shared import (
    locked_message,
    payload_argument,
    read_code,
    read_identifier,
    wants_new_code,
)
from bot.actions.turns import Events, logged_turn, save_answer
from bot.core.backend import BackendUnavailable, Rejected
from bot.core.messages import TextReply, utcnow
from bot.intents.account import (
    AUTH,
    CONSENT,
    chat_identity,
    current_auth,
    remember_sign_in,
    service_unavailable,
)
from bot.intents.forms import yes_no
from bot.intents.link_account import CONSENT_VERSION, LinkAccountFlow, State
from privacy import mask

VERIFIED = "verified"


class ValidateLinkAccountForm(MsaidiziForm):
    """Consent, ID number or phone (a code is sent), then the code (the chat is signed in)."""

    state_key = LINK_STATE

    def name(self) -> str:
        """Return the action's name."""
        return "validate_link_account_form"

    def logged_text(self, call: Call) -> str:
        """Never log a one-time code; mask ID numbers and phones."""
        return "******" if call.slot("requested_slot") == "code" else mask(call.text)

    async def required_slots(self, domain_slots: list[str], dispatcher: Any, tracker: Any,
                             domain: Any) -> list[str]:
        """Ask for consent only once; ask nothing when signed in, declined or given up."""
        work = work_of(dispatcher)
        state = work.state
        if state.get("gave_up") or state.get("declined") or current_auth(work.session):
            return []
        consented = bool(work.session.data.get(CONSENT))
        return [s for s in domain_slots if not (s == "consent" and consented)]

    async def validate_consent(self, value: Any, dispatcher: Any, tracker: Any,
                               domain: Any) -> dict[str, Any]:
        """Accept "yes"/"ndiyo" or the consent buttons; record consent as the chat does."""
        work = work_of(dispatcher)
        tapped = payload_argument(value, LinkAccountFlow.name)
        agreed = {"agree": True, "decline": False}.get(tapped)
        if agreed is None:
            agreed = yes_no(work.reading(value))
        if agreed is None:
            work.fail(work.turn._("Please answer yes or no."))
            return {"consent": None}
        work.ok()
        if not agreed:
            work.state["declined"] = True
            return {"consent": False}
        work.session.data[CONSENT] = {"version": CONSENT_VERSION, "at": utcnow().isoformat()}
        return {"consent": True}

    async def validate_identifier(self, value: Any, dispatcher: Any, tracker: Any,
                                  domain: Any) -> dict[str, Any]:
        """Accept an ID number or a Kenyan phone, then ask the backend to send a code."""
        work = work_of(dispatcher)
        identifier = read_identifier(str(value))
        if identifier is None:
            work.fail(work.turn._(
                "That does not look like an ID number (6 to 9 digits) or a Kenyan phone number "
                "(like 0712 345 678)."))
            return {"identifier": None}
        work.ok()
        sent = await send_code(work, identifier)
        return {"identifier": mask(identifier) if sent else None}

    async def validate_code(self, value: Any, dispatcher: Any, tracker: Any,
                            domain: Any) -> dict[str, Any]:
        """Verify the code with the backend and keep the sign-in in the session."""
        work = work_of(dispatcher)
        identifier = work.state.get("identifier")
        if not identifier:
            return {"code": None, "identifier": None}
        if wants_new_code(str(value)):
            await send_code(work, identifier)
            return {"code": None}
        code = read_code(str(value))
        if code is None:
            work.fail(work.turn._("The code has 6 digits, like 123456."))
            return {"code": None}
        return {"code": VERIFIED if await verify(work, identifier, code) else None}


async def send_code(work: FormWork, identifier: str) -> bool:
    """Ask the backend to send a code; return True when the citizen should now type one."""
    turn, backend = work.turn, work.call.runtime.backend
    try:
        if backend is None:
            raise BackendUnavailable("no backend")
        await backend.request_code(identifier, chat_identity(work.session))
    except BackendUnavailable:
        work.give_up(service_unavailable(turn))
        return False
    except Rejected as exc:
        if exc.kind == "otp-locked":
            work.give_up([TextReply(locked_message(turn))])
            return False
        if exc.kind != "rate-limited":
            raise
        work.state["identifier"] = identifier  # a code sent a minute ago is still good
        work.say([TextReply(turn._("A code was sent very recently. Please wait a minute, then "
                                   "write \"resend\"."))])
        work.prompted()
        return True
    work.state["identifier"] = identifier
    work.say([TextReply(turn._(
        "If %(masked)s matches an eCitizen account, a 6-digit code has been sent by SMS to the "
        "phone number on that account. Type the code here; it expires in 5 minutes.",
        masked=mask(identifier)))])
    work.prompted()
    return True


async def verify(work: FormWork, identifier: str, code: str) -> bool:
    """Trade the code for a sign-in bound to this chat; explain a refusal."""
    turn, backend, session = work.turn, work.call.runtime.backend, work.session
    try:
        if backend is None:
            raise BackendUnavailable("no backend")
        linked = await backend.verify_code(identifier, code, chat_identity(session))
    except BackendUnavailable:
        work.say(service_unavailable(turn))
        return False
    except Rejected as exc:
        if exc.kind == "otp-locked":
            work.give_up([TextReply(locked_message(turn))])
        else:
            work.fail(turn._(
                "That code did not work: it is wrong or has expired. Check the SMS and type it "
                "again, or write \"resend\" for a new code."))
        return False
    work.ok()
    remember_sign_in(session, linked)
    if not session.locale_explicit and linked.preferred_language in turn.translations.locales:
        session.locale = linked.preferred_language  # the citizen chose it on eCitizen
    work.state["linked_now"] = True
    work.state.pop("identifier", None)
    return True


class ActionLinkAccount(MsaidiziAction):
    """Before the form: open it (or say the account is linked). After it: say how it went."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_link_account"

    async def answer(self, call: Call, dispatcher: Any) -> Events:
        """Open link_account_form, or confirm the link and carry on with the waiting action."""
        submitted = call.tracker.latest_action_name == LINK_FORM
        resume = ""
        async with logged_turn(call, dispatcher, inbound_text=mask(call.text),
                               inbound=call.first_after_user) as logged:
            session, turn = logged.session, logged.turn
            state = session.data.pop(LINK_STATE, {}) if submitted else {}
            events: Events = [SlotSet(slot, None) for slot in LINK_SLOTS]
            if state.get("linked_now"):
                logged.say([TextReply(turn._(
                    "Thank you, %(name)s. Your eCitizen account is now linked to this chat.",
                    name=session.data[AUTH].get("first_name", "")))])
                resume = str(session.data.pop(RESUME, ""))
            elif state.get("declined") or state.get("gave_up"):
                session.data.pop(RESUME, None)
                if state.get("declined"):
                    logged.say([TextReply(turn._(
                        "All right, I will not link your account. You can still ask me general "
                        "questions."))])
            elif current_auth(session) is not None:
                logged.say([TextReply(turn._(
                    "Your eCitizen account (%(name)s) is already linked to this chat. Write "
                    "\"log out\" to unlink it.", name=session.data[AUTH].get("first_name", "")))])
            else:
                events.append(FollowupAction(LINK_FORM))
            events = [*conversation_slots(session), *events]
            logged.events = events
        if resume:
            replies = await call.runtime.handle(call.message(resume, text="", suffix=":resume"))
            utter(dispatcher, replies)
            await save_answer(call, list(dispatcher.messages), events)
        return events


class ActionAskConsent(AskAction):
    """Ask for consent to link the account (Data Protection Act, 2019)."""

    flow, state = LinkAccountFlow.name, State.CONSENT

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_consent"


class ActionAskIdentifier(AskAction):
    """Ask for the ID number or the phone registered on eCitizen."""

    flow, state = LinkAccountFlow.name, State.IDENTIFIER

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_identifier"


class ActionAskCode(AskAction):
    """Ask for the one-time code (unless the "code sent" message just did)."""

    flow, state = LinkAccountFlow.name, State.CODE

    def name(self) -> str:
        """Return the action's name."""
        return "action_ask_code"
