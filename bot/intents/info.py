"""Intents answered with guidance until their chat actions exist: what the citizen can do today."""

from __future__ import annotations

from bot.core.messages import Reply, TextReply
from bot.core.routing import Match
from bot.core.text import N_
from bot.core.turn import Turn
from bot.intents.base import Intent


class GuidanceIntent(Intent):
    """Answer an intent with one translated guidance text."""

    def __init__(self, name: str, title_msgid: str, text_msgid: str) -> None:
        self.name = name
        self.title_msgid = title_msgid
        self._text = text_msgid

    async def handle(self, turn: Turn, match: Match) -> list[Reply]:
        """Give the guidance text."""
        turn.session.misses = 0
        return [TextReply(turn.t.gettext(self._text))]


GUIDANCE: tuple[tuple[str, str, str], ...] = (
    (
        "check_status",
        N_("Check an application"),
        N_(
            "To see where an application is, sign in at ecitizen.go.ke and open \"My "
            "Applications\"; the status and any action needed are shown there. You also get an "
            "SMS or email when the status changes."
        ),
    ),
    (
        "start_payment",
        N_("Make a payment"),
        N_(
            "To pay for a service, open the application on ecitizen.go.ke and choose \"Pay\". "
            "With M-Pesa you can approve the prompt on your phone, or use PayBill 222222 with the "
            "account number shown on the invoice."
        ),
    ),
    (
        "payment_history",
        N_("My payments and receipts"),
        N_(
            "Your payments and receipts are on ecitizen.go.ke under \"My Applications\": open "
            "the application and download the receipt. Keep your M-Pesa SMS as proof too."
        ),
    ),
    (
        "report_security_incident",
        N_("Report a security problem"),
        N_(
            "If you think someone has got into your account: change your password on "
            "ecitizen.go.ke now, never share a PIN or one-time code, and email "
            "support@ecitizen.go.ke with what happened. You can also report to the DCI or on "
            "SMS 988 (Mulika Uhalifu)."
        ),
    ),
    (
        "link_account",
        N_("Link my eCitizen account"),
        N_(
            "Linking your eCitizen account in this chat is not available yet. You can sign in "
            "at ecitizen.go.ke with your ID number and password."
        ),
    ),
    (
        "logout",
        N_("Unlink my account"),
        N_("No eCitizen account is linked to this chat, so there is nothing to unlink."),
    ),
    (
        "my_data",
        N_("My data"),
        N_(
            "This chat keeps your recent messages and your language choice so it can answer you. "
            "No eCitizen account is linked to it."
        ),
    ),
    (
        "delete_my_data",
        N_("Delete my data"),
        N_(
            "To have your personal data corrected or deleted, email support@ecitizen.go.ke. "
            "You can also complain to the Office of the Data Protection Commissioner (odpc.go.ke)."
        ),
    ),
    (
        "ticket_status",
        N_("Status of a support ticket"),
        N_(
            "Support tickets are handled by eCitizen support: email support@ecitizen.go.ke or "
            "call +254 780 206 206 with your ticket number."
        ),
    ),
)


def guidance_intents() -> list[GuidanceIntent]:
    """Return one guidance handler per intent in the table."""
    return [GuidanceIntent(name, title, text) for name, title, text in GUIDANCE]
