"""Development-only pages: the message outbox and the simulated card checkout.

`create_app` includes this router only when `environment` is development.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from backend.api.deps import ContainerDep
from backend.container import Container
from backend.core.deps import DbId, SessionDep
from backend.core.problems import ProblemError
from backend.crud.outbox import messages_to
from backend.domain import PaymentMethod, PaymentStatus
from backend.models import OutboxMessage, Payment
from backend.schemas.service import OutboxMessageOut
from backend.services.senders import OutboxSender
from common.formats import format_money
from common.phones import parse_kenyan_mobile

router = APIRouter(prefix="/dev", tags=["development only"])

_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    "<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;"
    "padding:0 1rem}} li{{margin:.6rem 0}} small{{color:#666}} button{{font-size:1.1rem;"
    "margin-right:1rem;padding:.4rem 1.2rem}}</style></head><body>{body}</body></html>"
)


def _address(to: str | None) -> str | None:
    if to is None:
        return None
    return parse_kenyan_mobile(to) or to.strip()


def _text(container: Container, message: OutboxMessage) -> str:
    """Show a message with its code while the code is valid (codes are never stored)."""
    sender = container.sender
    return sender.reveal(message.id, message.text) if isinstance(sender, OutboxSender) else (
        message.text)


@router.get("/outbox")
def outbox(
    session: SessionDep,
    container: ContainerDep,
    to: Annotated[str | None, Query(description="Phone (any form) or email")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[OutboxMessageOut]:
    """List messages the development sender stored, newest first."""
    return [
        OutboxMessageOut(to=m.to, channel=m.channel, text=_text(container, m),
                         created_at=m.created_at)
        for m in messages_to(session=session, to=_address(to), limit=limit)
    ]


@router.get("/outbox/page", response_class=HTMLResponse)
def outbox_page(session: SessionDep, container: ContainerDep,
                to: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """Show the outbox as a small page (refreshes every 5 seconds)."""
    items = "".join(
        f"<li><small>{escape(m.created_at.isoformat(timespec='seconds'))} · {escape(m.channel)}"
        f" → {escape(m.to)}</small><br>{escape(_text(container, m))}</li>"
        for m in messages_to(session=session, to=_address(to))
    )
    body = (
        f'<meta http-equiv="refresh" content="5"><h1>Development outbox</h1>'
        f'<form><input name="to" placeholder="phone or email" '
        f'value="{escape(to or "")}"> <button>Filter</button></form>'
        f"<ol>{items or '<p>No messages yet.</p>'}</ol>"
    )
    return HTMLResponse(_PAGE.format(title="Outbox", body=body))


def _card_payment(session: SessionDep, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or payment.method != PaymentMethod.CARD:
        raise ProblemError(404, "not-found", "No such card checkout.")
    return payment


@router.get("/card/{payment_id}", response_class=HTMLResponse)
def card_checkout(payment_id: DbId, container: ContainerDep, session: SessionDep) -> HTMLResponse:
    """Show the simulated hosted card checkout with Pay and Fail buttons."""
    payment = _card_payment(session, payment_id)
    settings = container.settings
    if payment.status != PaymentStatus.PENDING:
        body = f"<h1>Payment {escape(str(payment.status))}</h1><p>You can close this page.</p>"
        return HTMLResponse(_PAGE.format(title="Card payment", body=body))
    pay_url = escape(settings.url(f"/dev/card/{payment_id}/pay"))
    fail_url = escape(settings.url(f"/dev/card/{payment_id}/fail"))
    body = (
        "<h1>Card payment (simulated)</h1>"
        f"<p>Account {escape(payment.bill.account_number)} · "
        f"<strong>{escape(format_money(payment.amount_kes, 'en'))}</strong></p>"
        "<p>Test page: no card details are asked or stored.</p>"
        f'<form method="post" action="{pay_url}" style="display:inline">'
        "<button>Pay</button></form>"
        f'<form method="post" action="{fail_url}" style="display:inline">'
        "<button>Fail</button></form>"
    )
    return HTMLResponse(_PAGE.format(title="Card payment", body=body))


@router.post("/card/{payment_id}/{outcome}")
def card_outcome(
    payment_id: DbId, outcome: str, container: ContainerDep, session: SessionDep
) -> RedirectResponse:
    """Complete (pay) or decline (fail) the simulated card payment, then show the result."""
    if outcome not in {"pay", "fail"}:
        raise ProblemError(404, "not-found")
    _card_payment(session, payment_id)
    container.payments.settle_card(session=session, payment_id=payment_id, success=outcome == "pay")
    return RedirectResponse(container.settings.url(f"/dev/card/{payment_id}"), status_code=303)
