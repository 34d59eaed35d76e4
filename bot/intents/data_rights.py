"""Data rights in the chat: log out, see what is held ("my data"), erase it ("delete my data")."""

from __future__ import annotations

from datetime import datetime

from bot.core.backend import BackendClient, BackendError, BackendUnavailable, ChatAuth
from bot.core.messages import Choice, ChoicesReply, TextReply
from bot.core.payloads import argument_of, payload
from bot.core.results import DataErased, Result, SignedOut
from bot.core.routing import Match
from bot.core.signin import CONSENT, current_auth, forget_sign_in
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent
from privacy import mask

LANGUAGE_NAMES = {"en": N_("English"), "sw": N_("Kiswahili")}
# What eCitizen holds, in the citizen's words: backend field or list -> label.
PROFILE_FIELDS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "id_number": N_("ID number"),
    "phone": N_("Phone number"),
    "email": N_("Email address"),
}
RECORDS = {
    "applications": N_("Applications"),
    "bills": N_("Bills"),
    "payments": N_("Payments"),
    "receipts": N_("Receipts"),
    "security_reports": N_("Security reports"),
    "chat_sessions": N_("Chats linked to your account"),
    "audit_log": N_("Record of each time a service read your data"),
}


class LogoutIntent(Intent):
    """End the session: unlink the account, erase the chat's messages, start afresh.

    "logout"/"ondoka" on any channel, and the web chat's End session control, come here: on
    a shared computer or phone nothing of the conversation must stay behind.
    """

    name = "logout"
    title_msgid = N_("End session")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    def handles(self, intent: str) -> bool:
        """Answer "logout" and the web chat's End session control."""
        return intent in (self.name, "end_session")

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Revoke the sign-in at the backend (best effort), then forget everything here."""
        session = turn.session
        auth = current_auth(session)
        if auth is not None:
            await _revoke(self._backend, auth)
        forget_sign_in(session)
        session.end_flow()
        session.data.clear()
        session.erase_requested = True  # the store erases the transcript with this turn
        if auth is None:
            return Result((TextReply(turn._("Session ended: the messages of this chat are erased. "
                                            "Write to start again.")),), (DataErased(),))
        return Result((TextReply(turn._(
            "Session ended: your eCitizen account is no longer linked to this chat and its "
            "messages are erased. Write to start again.")),), (SignedOut(), DataErased()))


class MyDataIntent(Intent):
    """Show what this chat and, when linked, the backend hold about the citizen."""

    name = "my_data"
    title_msgid = N_("My data")

    def __init__(self, backend: BackendClient, retention_days: int = 90) -> None:
        self._backend = backend
        self._retention_days = retention_days

    async def handle(self, turn: Turn, match: Match) -> Result:
        """List the data held, masked, with how to erase it."""
        session = turn.session
        language = turn.t.gettext(LANGUAGE_NAMES.get(session.locale, session.locale))
        lines = [turn._("What this chat keeps about you:"),
                 turn._("- Your language: %(language)s", language=language),
                 turn._("- Your recent messages in this chat, kept for %(days)d days, with ID "
                        "numbers and phone numbers masked; one-time codes are never kept",
                        days=self._retention_days)]
        consent = session.data.get(CONSENT)
        given = _moment(consent.get("at")) if isinstance(consent, dict) else None
        if given is not None:
            lines.append(turn._("- Your consent to link your account, given on %(date)s",
                                date=turn.t.datetime(given)))
        auth = current_auth(session)
        if auth is not None:
            lines.append(turn._("- The sign-in to your eCitizen account, encrypted, until you "
                                "write \"log out\" or it ends"))
            lines += await self._backend_lines(turn, auth)
        else:
            lines.append(turn._("No eCitizen account is linked to this chat."))
        lines.append(turn._("Write \"delete my data\" to erase what this chat keeps."))
        return Result.text("\n".join(lines))

    async def _backend_lines(self, turn: Turn, auth: ChatAuth) -> list[str]:
        try:
            data = await self._backend.my_data(auth)
        except BackendError:
            return [turn._("(The eCitizen service is unavailable, so I cannot show what it "
                           "holds right now.)")]
        citizen = data.get("citizen") or data.get("profile") or {}
        counts = {key: len(value) for key, value in data.items() if isinstance(value, list)}
        lines = [turn._("What eCitizen holds (linked account):")]
        for field, label in PROFILE_FIELDS.items():
            if citizen.get(field):
                lines.append(f"- {turn.t.gettext(label)}: {mask(str(citizen[field]))}")
        for key, label in RECORDS.items():
            if key in counts:
                lines.append(f"- {turn.t.gettext(label)}: {counts.pop(key)}")
        if counts:
            lines.append(turn._("- Other records: %(count)d", count=sum(counts.values())))
        return lines


def _moment(value: object) -> datetime | None:
    """Read a stored ISO timestamp; None when it is missing or unreadable."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


class DeleteMyDataIntent(Intent):
    """Erase the chat's transcript and link after the citizen confirms."""

    name = "delete_my_data"
    title_msgid = N_("Delete my data")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    async def handle(self, turn: Turn, match: Match) -> Result:
        """Ask for confirmation, then erase."""
        answer = argument_of(turn.payload, self.name)
        if answer == "yes":
            auth = current_auth(turn.session)
            if auth is not None:
                await _revoke(self._backend, auth)
            turn.session.data.clear()  # sign-in, consent and anything an adapter kept
            turn.session.erase_requested = True
            return Result((TextReply(turn._(
                "Done: I have erased this chat's messages and unlinked your account. Records "
                "that government offices keep about your applications and payments are not "
                "affected; ask support@ecitizen.go.ke about those.")),),
                (*((SignedOut(),) if auth else ()), DataErased()))
        if answer == "no":
            return Result.text(turn._("All right, nothing was deleted."))
        return Result.of([ChoicesReply(
            turn._("This erases the messages of this chat and unlinks your eCitizen account. "
                   "Are you sure?"),
            (Choice(turn._("Yes, delete"), payload(self.name, "yes")),
             Choice(turn._("No, keep it"), payload(self.name, "no"))))])


async def _revoke(backend: BackendClient, auth: ChatAuth) -> None:
    """Revoke the sign-in at the backend; when it is down the local link is dropped anyway."""
    try:
        await backend.logout(auth)
    except BackendUnavailable:
        pass  # the token expires on its own; this chat no longer holds it
    except BackendError:
        pass
