"""The default set of intent handlers, in priority order, and which ones interrupt flows."""

from __future__ import annotations

from bot.core.backend import BackendClient
from bot.core.escalation import EscalationClient
from bot.core.ports import KnowledgeBase, ReportQueue
from bot.core.routing import IntentHandler
from bot.intents.cancel import CancelIntent
from bot.intents.change_language import ChangeLanguageIntent
from bot.intents.check_status import CheckStatusIntent
from bot.intents.choice_number import ChoiceNumberIntent
from bot.intents.data_rights import DeleteMyDataIntent, LogoutIntent, MyDataIntent
from bot.intents.fallback import FallbackIntent
from bot.intents.faq import FaqIntent
from bot.intents.fees import CatalogueFees
from bot.intents.greet import GreetIntent
from bot.intents.handoff import HandoffFlow
from bot.intents.link_account import LinkAccountFlow
from bot.intents.menu import MenuIntent, MenuLabelIntent
from bot.intents.payment_history import PaymentCheckIntent, PaymentHistoryIntent, ReceiptIntent
from bot.intents.report_security import ReportSecurityFlow
from bot.intents.small_talk import GoodbyeIntent, ThanksIntent
from bot.intents.start_payment import StartPaymentFlow
from bot.intents.ticket_status import TicketStatusIntent

# Interrupts work even in the middle of a flow: the citizen can always get out or switch language.
INTERRUPTS = ("cancel", "menu", "change_language", "handoff")


def default_handlers(
    knowledge: KnowledgeBase,
    fallback: FallbackIntent,
    backend: BackendClient,
    reports: ReportQueue,
    handoff: HandoffFlow,
    escalation: EscalationClient,
    retention_days: int = 90,
    link: LinkAccountFlow | None = None,
) -> list[IntentHandler]:
    """Build every handler the assistant knows, most specific first."""
    return [
        CancelIntent(),
        MenuIntent(),
        ChangeLanguageIntent(),
        MenuLabelIntent(),
        ChoiceNumberIntent(),
        handoff,
        GreetIntent(),
        ThanksIntent(),
        GoodbyeIntent(),
        link or LinkAccountFlow(backend, retention_days),
        LogoutIntent(backend),
        CheckStatusIntent(backend),
        StartPaymentFlow(backend),
        PaymentHistoryIntent(backend),
        PaymentCheckIntent(backend),
        ReceiptIntent(backend),
        ReportSecurityFlow(backend, reports),
        MyDataIntent(backend, retention_days),
        DeleteMyDataIntent(backend),
        TicketStatusIntent(escalation),
        FaqIntent(knowledge, CatalogueFees(backend)),
        fallback,
    ]
