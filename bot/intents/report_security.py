"""Report a security problem: a guided form that takes corrections and questions mid-way."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from bot.core.backend import (
    BackendClient,
    BackendUnavailable,
    FiledReport,
    ReportDraft,
    SignInNeeded,
)
from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.payloads import argument_of, payload
from bot.core.ports import ReportQueue
from bot.core.results import ReportFiled, Result, SignedOut
from bot.core.routing import Match
from bot.core.signin import current_auth, forget_sign_in
from bot.core.text import N_
from bot.core.turn import Turn
from bot.core.vocabulary import vocabulary
from bot.intents.forms import (
    END,
    START,
    Edges,
    End,
    Form,
    Next,
    Stay,
    Transition,
    looks_like_question,
    yes_no,
)
from bot.nlu.when import parse_when
from common.timezone import NAIROBI
from privacy import mask_kinds

CATEGORIES = {
    "account_takeover": N_("Someone got into my account"),
    "unauthorised_payment": N_("A payment I did not make"),
    "phishing": N_("A fake message, call or website"),
    "data_leak": N_("My personal data was exposed"),
    "other": N_("Something else"),
}
_REFERENCE = re.compile(r"^[A-Za-z0-9-]{4,40}$")


def category_hint(text: str) -> str | None:
    """Return the report category the words make clear ("someone hacked my account")."""
    words = vocabulary()
    return next((code for code in CATEGORIES if words.anywhere(code).matches(text)), None)


def read_reference(text: str) -> str | None:
    """Return a transaction reference (letters and digits) in upper case, or None."""
    compact = text.replace(" ", "")
    return compact.upper() if _REFERENCE.match(compact) else None


def is_correction(text: str) -> bool:
    """Return True for "no, it was ..."-style corrections."""
    return vocabulary().starts("correction").matches(text)


class State(StrEnum):
    """Steps of a security report."""

    CATEGORY = "category"
    DESCRIPTION = "description"
    WHEN = "when"
    REFERENCE = "reference"
    ANONYMOUS = "anonymous"
    CONFIRM = "confirm"


class ReportSecurityFlow(Form):
    """Category, what happened, when, optional reference, anonymous or not, confirm, file."""

    name = "report_security_incident"
    title_msgid = N_("Report a security problem")
    timeout = timedelta(minutes=30)
    answers = frozenset({*CATEGORIES, "skip", "named", "anonymous", "send", "change"})
    answer_prefixes = ("edit-",)

    def __init__(self, backend: BackendClient, outbox: ReportQueue) -> None:
        self._backend = backend
        self._outbox = outbox
        self.states = {State.CATEGORY: self._category, State.DESCRIPTION: self._description,
                       State.WHEN: self._when, State.REFERENCE: self._reference,
                       State.ANONYMOUS: self._anonymous, State.CONFIRM: self._confirm}
        self.prompts = {State.CATEGORY: self._ask_category,
                        State.DESCRIPTION: self._ask_description, State.WHEN: self._ask_when,
                        State.REFERENCE: self._ask_reference,
                        State.ANONYMOUS: self._ask_anonymous, State.CONFIRM: self._summary}
        # Every question can be answered wrongly (asked again, then given up: END); a field
        # changed from the summary goes back to it (CONFIRM).
        self.edges = Edges.of({
            START: [State.CATEGORY, State.DESCRIPTION],
            State.CATEGORY: [State.CATEGORY, State.DESCRIPTION, State.CONFIRM, END],
            State.DESCRIPTION: [State.DESCRIPTION, State.WHEN, State.CONFIRM, END],
            State.WHEN: [State.WHEN, State.REFERENCE, State.CONFIRM, END],
            State.REFERENCE: [State.REFERENCE, State.ANONYMOUS, State.CONFIRM, END],
            State.ANONYMOUS: [State.ANONYMOUS, State.CONFIRM, END],
            State.CONFIRM: [State.CONFIRM, State.CATEGORY, State.DESCRIPTION, State.WHEN,
                            State.REFERENCE, END],
        })

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Start the form, skipping the category when the message already makes it clear."""
        hinted = category_hint(turn.text)
        intro = TextReply(turn._("I will help you report it. It takes a few short questions."))
        self.begin(turn)
        turn.session.slots["key"] = uuid.uuid4().hex
        if hinted:
            turn.session.slots["category"] = hinted
        return self.apply(turn, Next(State.DESCRIPTION if hinted else State.CATEGORY, [intro]))

    # -- steps -------------------------------------------------------------------------------

    async def _category(self, turn: Turn) -> Transition | None:
        chosen = argument_of(turn.payload, self.name)
        if chosen not in CATEGORIES:
            chosen = category_hint(turn.text) or ""
        if not chosen:
            return None if looks_like_question(turn) else Stay(
                turn._("Please choose one of the options."))
        turn.session.slots["category"] = chosen
        return self._next(turn, State.DESCRIPTION)

    async def _description(self, turn: Turn) -> Transition:
        if turn.payload is not None or len(turn.text) < 5:
            return Stay(turn._("Please describe what happened in a few words."))
        turn.session.slots["description"] = turn.text
        return self._next(turn, State.WHEN)

    async def _when(self, turn: Turn) -> Transition | None:
        if not self._remember_when(turn):
            if looks_like_question(turn):
                return None
            return Stay(turn._("I did not understand the date. You can write \"today\", "
                               "\"yesterday\", \"3 days ago\", a date like 12/11/2026, or "
                               "\"I don't know\"."))
        return self._next(turn, State.REFERENCE)

    async def _reference(self, turn: Turn) -> Transition | None:
        if self._corrected(turn):
            return self._thanks(State.REFERENCE, turn)
        if argument_of(turn.payload, self.name) == "skip" or yes_no(turn) is False:
            turn.session.slots["reference"] = None
        elif (reference := read_reference(turn.text)) is not None:
            turn.session.slots["reference"] = reference
        elif looks_like_question(turn):
            return None
        else:
            return Stay(turn._("That does not look like a reference: it should be letters and "
                               "numbers, like SJK4XY12AB."))
        state = State.ANONYMOUS if current_auth(turn.session) else State.CONFIRM
        return self._next(turn, state)

    async def _anonymous(self, turn: Turn) -> Transition | None:
        answer = argument_of(turn.payload, self.name)
        if answer in ("named", "anonymous"):
            turn.session.slots["anonymous"] = answer == "anonymous"
        elif self._corrected(turn):
            return self._thanks(State.ANONYMOUS, turn)
        else:
            return None if looks_like_question(turn) else Stay(
                turn._("Please choose one of the options."))
        return Next(State.CONFIRM)

    async def _confirm(self, turn: Turn) -> Transition | None:
        answer = argument_of(turn.payload, self.name)
        if answer == "send" or (turn.payload is None and yes_no(turn) is True):
            return await self._file(turn)
        if answer == "change":
            return Next(State.CONFIRM, self._choose_change(turn), ask=False)
        if answer.startswith("edit-") and answer[5:] in State.__members__.values():
            turn.session.slots["editing"] = True
            return Next(State(answer[5:]))
        if self._corrected(turn):
            return self._thanks(State.CONFIRM, turn)
        return None if looks_like_question(turn) else Stay(
            turn._("Tap \"Send report\", or tell me what to correct, for example \"no, it was "
                   "yesterday\"."))

    # -- prompts -----------------------------------------------------------------------------

    def _ask_category(self, turn: Turn) -> list[Reply]:
        return [ChoicesReply(turn._("What happened?"), tuple(
            Choice(turn.t.gettext(title), payload(self.name, code))
            for code, title in CATEGORIES.items()))]

    def _ask_description(self, turn: Turn) -> list[Reply]:
        return [TextReply(turn._("Briefly, what happened? Please do not send any PIN or "
                                 "password."))]

    def _ask_when(self, turn: Turn) -> list[Reply]:
        return [TextReply(turn._("When did it happen? For example: today, yesterday, 3 days ago, "
                                 "or a date like 12/11/2026."))]

    def _ask_reference(self, turn: Turn) -> list[Reply]:
        return [ChoicesReply(turn._("If there is a reference (M-Pesa code, receipt or application "
                                    "number), type it. Otherwise tap Skip."),
                             (Choice(turn._("Skip"), payload(self.name, "skip")),))]

    def _ask_anonymous(self, turn: Turn) -> list[Reply]:
        return [ChoicesReply(turn._("Should the report carry your name, so the security team can "
                                    "contact you and protect your account, or be anonymous?"),
                             (Choice(turn._("With my name"), payload(self.name, "named")),
                              Choice(turn._("Anonymous"), payload(self.name, "anonymous"))))]

    def _summary(self, turn: Turn) -> list[Reply]:
        slots = turn.session.slots
        when = slots.get("when_text") or turn._("not known")
        text = turn._(
            "Please check your report:\n- What: %(category)s\n- Details: %(description)s\n"
            "- When: %(when)s\n- Reference: %(reference)s\n- Anonymous: %(anonymous)s",
            category=turn.t.gettext(CATEGORIES[slots["category"]]),
            # the chat log keeps this summary: ID numbers and phones masked, as the message was
            description=mask_kinds(str(slots.get("description", "")), ("id", "phone")),
            when=when,
            reference=slots.get("reference") or turn._("none"),
            anonymous=turn._("yes") if slots.get("anonymous", not current_auth(turn.session))
            else turn._("no"))
        return [ChoicesReply(text, (
            Choice(turn._("Send report"), payload(self.name, "send")),
            Choice(turn._("Change something"), payload(self.name, "change")),
            Choice(turn._("Cancel"), "cancel")))]

    def _choose_change(self, turn: Turn) -> list[Reply]:
        fields = [(State.CATEGORY, N_("What happened")), (State.DESCRIPTION, N_("Details")),
                  (State.WHEN, N_("When")), (State.REFERENCE, N_("Reference"))]
        return [ChoicesReply(turn._("What should I change?"), tuple(
            Choice(turn.t.gettext(title), payload(self.name, f"edit-{state.value}"))
            for state, title in fields))]

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _next(turn: Turn, state: State) -> Next:
        """Go on to `state`, or back to the summary when the citizen was correcting a field."""
        if turn.session.slots.pop("editing", False):
            return Next(State.CONFIRM)
        return Next(state)

    @staticmethod
    def _thanks(state: State, turn: Turn) -> Next:
        """Confirm a correction of an earlier answer and ask the current question again."""
        return Next(state, [TextReply(turn._("Thanks, I have corrected it."))])

    def _remember_when(self, turn: Turn) -> bool:
        when = parse_when(turn.text)
        if when is None:
            return False
        turn.session.slots["when_text"] = when.text
        turn.session.slots["when"] = when.day.isoformat() if when.day else None
        return True

    def _corrected(self, turn: Turn) -> bool:
        """Apply "no, it was yesterday"-style corrections of the date or the category."""
        if turn.payload is not None or not is_correction(turn.text):
            return False
        if self._remember_when(turn):
            return True
        category = category_hint(turn.text)
        if category:
            turn.session.slots["category"] = category
            return True
        return False

    async def _file(self, turn: Turn) -> End:
        slots = turn.session.slots
        draft = draft_from(slots, anonymous=bool(slots.get("anonymous", False)))
        auth = None if draft.anonymous else current_auth(turn.session)
        key = f"{turn.session.conversation_id}:{slots['key']}"
        filed: FiledReport | None
        try:
            filed = await self._backend.file_report(auth, draft, key)
        except SignInNeeded:
            forget_sign_in(turn.session)
            filed = await self._file_or_keep(turn, None, draft, key)
        except BackendUnavailable:
            filed = None
            await self._outbox.keep(turn.session.conversation_id, draft, key,
                                    auth.token if auth else None)
        if filed is None:
            return End([TextReply(turn._(
                "The reporting service is unavailable right now. Your report is saved and will be "
                "filed as soon as the service is back; I will send you its reference here."))],
                [ReportFiled(None)])
        result = filed_result(turn, filed)
        return End(result.replies, result.events)

    async def _file_or_keep(self, turn: Turn, token: str | None, draft: ReportDraft,
                            key: str) -> FiledReport | None:
        try:
            return await self._backend.file_report(None, draft, key)
        except BackendUnavailable:
            await self._outbox.keep(turn.session.conversation_id, draft, key, token)
            return None


def filed_result(turn: Turn, filed: FiledReport) -> Result:
    """Confirm a filed report; after an account takeover, say what protection was applied."""
    lines = [turn._("Your report has been received. Reference: %(reference)s.",
                    reference=filed.reference)]
    signed_out = bool(filed.protection_applied)
    if signed_out:
        forget_sign_in(turn.session)  # the backend signed the account out of every chat
        lines.append(turn._(
            "To protect you, we have signed your account out of every chat and locked sign-in "
            "until you reset your password."))
    if filed.category == "account_takeover":
        lines.append(turn._(
            "What to do now:\n1. Reset your password at ecitizen.go.ke (\"Forgot your "
            "password?\").\n2. Check the phone number and email on your account.\n3. Never share "
            "a PIN or one-time code with anyone, including callers who say they are from "
            "eCitizen."))
    if filed.severity == "high":
        lines.append(turn._("This report is marked urgent for the security team."))
        turn.follow_up = payload("talk_to_human", "security_report", filed.reference)
    filed_event = ReportFiled(filed.reference, urgent=filed.severity == "high")
    return Result((TextReply("\n\n".join(lines)),),
                  (filed_event, SignedOut()) if signed_out else (filed_event,))


def draft_from(slots: dict[str, Any], *, anonymous: bool) -> ReportDraft:
    """Build the report the backend takes from the form's answers."""
    day = slots.get("when")
    occurred = (datetime.combine(datetime.fromisoformat(day).date(), time(12), tzinfo=NAIROBI)
                if day else None)
    # The security team needs a phone number the citizen names (a scammer's), never the
    # citizen's own ID number: that one is masked.
    return ReportDraft(category=slots["category"],
                       description=mask_kinds(str(slots.get("description", "")), ("id",)),
                       occurred_text=slots.get("when_text"), occurred_at=occurred,
                       transaction_reference=slots.get("reference"), anonymous=anonymous)
