"""Names shared with the Rasa domain (rasa_project/domain.yml) and keys kept in the session."""

from __future__ import annotations

LINK_FORM = "link_account_form"
REPORT_FORM = "security_report_form"
LINK_SLOTS = ("consent", "identifier", "code")
REPORT_SLOTS = ("category", "description", "when", "when_day", "reference", "anonymous",
                "report_id")

# What Msaidizi keeps in the conversation's session for Rasa (never in Rasa's tracker).
LINK_STATE = "rasa_link"  # link_account_form's progress: identifier, failures, outcome
REPORT_STATE = "rasa_report"  # security_report_form's progress: failures, outcome
RESUME = "rasa_resume"  # the tap to carry on with once link_account_form has signed in
