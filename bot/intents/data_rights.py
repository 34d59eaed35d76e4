"""Data rights in the chat: log out, see what is held ("my data"), erase it ("delete my data")."""

from __future__ import annotations

from datetime import datetime

from bot.core.backend import BackendClient, BackendError, BackendUnavailable, ChatAuth
from bot.core.messages import Choice, ChoicesReply, Reply, TextReply
from bot.core.routing import Match, parse_payload
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.account import CONSENT, current_auth, forget_sign_in
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
    """Unlink the eCitizen account from this chat."""

    name = "logout"
    title_msgid = N_("Unlink my account")

    def __init__(self, backend: BackendClient) -> None:
        self._backend = backend

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Revoke the sign-in at the backend (best effort) and forget it here."""
        auth = current_auth(turn.session)
        if auth is None:
            return [TextReply(turn._("No eCitizen account is linked to this chat, so there is "
                                     "nothing to unlink."))]
        await _revoke(self._backend, auth)
        forget_sign_in(turn.session)
        return [TextReply(turn._("Done: your eCitizen account is no longer linked to this "
                                 "chat."))]


class MyDataIntent(Intent):
    """Show what this chat and, when linked, the backend hold about the citizen."""

    name = "my_data"
    title_msgid = N_("My data")

    def __init__(self, backend: BackendClient, retention_days: int = 90) -> None:
        self._backend = backend
        self._retention_days = retention_days

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """List the data held, masked, with how to erase it."""
        session = turn.session
        language = turn.t.gettext(LANGUAGE_NAMES.get(session.locale, session.locale))
        lines = [turn._("What this chat keeps about you:"),
                 turn._("- Your language: %(language)s", language=language),
                 turn._("- Your recent messages in this chat (kept for %(days)d days)",
                        days=self._retention_days)]
        consent = session.data.get(CONSENT)
        given = _moment(consent.get("at")) if isinstance(consent, dict) else None
        if given is not None:
            lines.append(turn._("- Your consent to link your account, given on %(date)s",
                                date=turn.t.datetime(given)))
        auth = current_auth(session)
        if auth is not None:
            lines += await self._backend_lines(turn, auth)
        else:
            lines.append(turn._("No eCitizen account is linked to this chat."))
        lines.append(turn._("Write \"delete my data\" to erase what this chat keeps."))
        return [TextReply("\n".join(lines))]

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

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Ask for confirmation, then erase."""
        _, answer = parse_payload(turn.payload or "")
        if answer == "yes":
            auth = current_auth(turn.session)
            if auth is not None:
                await _revoke(self._backend, auth)
            turn.session.data.clear()  # sign-in, consent and anything an adapter kept
            turn.session.erase_requested = True
            return [TextReply(turn._(
                "Done: I have erased this chat's messages and unlinked your account. Records "
                "that government offices keep about your applications and payments are not "
                "affected; ask support@ecitizen.go.ke about those."))]
        if answer == "no":
            return [TextReply(turn._("All right, nothing was deleted."))]
        return [ChoicesReply(
            turn._("This erases the messages of this chat and unlinks your eCitizen account. "
                   "Are you sure?"),
            (Choice(turn._("Yes, delete"), f"{self.name}:yes"),
             Choice(turn._("No, keep it"), f"{self.name}:no")))]


async def _revoke(backend: BackendClient, auth: ChatAuth) -> None:
    """Revoke the sign-in at the backend; when it is down the local link is dropped anyway."""
    try:
        await backend.logout(auth)
    except BackendUnavailable:
        pass  # the token expires on its own; this chat no longer holds it
    except BackendError:
        pass
