"""Whole sentences for an application's status, one per status, never built from fragments.

Swahili verbs agree with their subject's noun class: a status label translated on its own
("linashughulikiwa") reads wrongly next to a service name of another class ("Pasipoti ...").
Every message here therefore names its subject: the application ("ombi", class 5, li-), or the
document ("hati", class 9, i-) once it is ready, and the service goes in as a complement
("ombi lako la <service>"), where no agreement is needed. tests/bot/intents/test_agreement.py
renders every status for every service in Swahili and checks the agreement against a table.
"""

from __future__ import annotations

from bot.core.text import N_
from bot.core.turn import Turn

# The answer to "where is my application?": status -> sentence.
SENTENCES = {
    "draft": N_("Your %(service)s application %(reference)s is not submitted yet: it is still "
                "a draft."),
    "pending_payment": N_("Your %(service)s application %(reference)s is waiting for "
                          "payment."),
    "submitted": N_("Your %(service)s application %(reference)s has been submitted."),
    "under_review": N_("Your %(service)s application %(reference)s is under review."),
    "action_required": N_("Your %(service)s application %(reference)s is waiting for "
                          "something from you."),
    "approved": N_("Your %(service)s application %(reference)s has been approved."),
    "rejected": N_("Your %(service)s application %(reference)s has been rejected."),
    "ready_for_collection": N_("Your %(service)s application %(reference)s is complete: the "
                               "document is ready for collection."),
    "collected": N_("Your %(service)s application %(reference)s is complete: the document has "
                    "been collected."),
}
# One line of a list of applications: status -> item.
LIST_ITEMS = {
    "draft": N_("%(reference)s (%(service)s): draft, not submitted yet"),
    "pending_payment": N_("%(reference)s (%(service)s): waiting for payment"),
    "submitted": N_("%(reference)s (%(service)s): submitted"),
    "under_review": N_("%(reference)s (%(service)s): under review"),
    "action_required": N_("%(reference)s (%(service)s): waiting for something from you"),
    "approved": N_("%(reference)s (%(service)s): approved"),
    "rejected": N_("%(reference)s (%(service)s): rejected"),
    "ready_for_collection": N_("%(reference)s (%(service)s): ready for collection"),
    "collected": N_("%(reference)s (%(service)s): collected"),
}
UPDATE = N_("Update: %(sentence)s")
UNKNOWN_SENTENCE = N_("Your %(service)s application %(reference)s has a new status.")
UNKNOWN_ITEM = N_("%(reference)s (%(service)s)")


def status_sentence(turn: Turn, status: str, service: str, reference: str) -> str:
    """Say where an application is, as one sentence in the conversation's language."""
    return turn._(SENTENCES.get(status, UNKNOWN_SENTENCE), service=service, reference=reference)


def status_item(turn: Turn, status: str, service: str, reference: str) -> str:
    """Return an application's line in a list, with its status."""
    return turn._(LIST_ITEMS.get(status, UNKNOWN_ITEM), service=service, reference=reference)
