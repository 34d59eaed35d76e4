"""The printable HTML receipt a citizen opens from a signed link."""

from __future__ import annotations

from datetime import datetime
from html import escape

from backend.models import Citizen, Receipt
from backend.schemas.payments import ReceiptOut
from backend.services.daraja import EAT
from privacy import mask_phone

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.3rem;margin-bottom:.2rem} .demo{color:#a00;font-weight:bold}
table{border-collapse:collapse;width:100%;margin-top:1rem}
td{padding:.4rem;border-bottom:1px solid #ddd}
td:first-child{color:#555;width:45%} .total td{font-weight:bold}
@media print{.noprint{display:none}}
"""


def _when(moment: datetime) -> str:
    return moment.astimezone(EAT).strftime("%d %b %Y, %H:%M EAT")


def _kes(amount: int) -> str:
    return f"KES {amount:,}"


def render_receipt(info: ReceiptOut, citizen: Citizen, receipt: Receipt) -> str:
    """Return the receipt page; every value is escaped."""
    bill = receipt.payment.bill
    payer = f"{citizen.first_name} {citizen.last_name[:1]}."
    rows = [
        ("Receipt number / Nambari ya risiti", info.receipt_no),
        ("Date / Tarehe", _when(info.issued_at)),
        ("Paid by / Amelipa", payer),
        ("Service / Huduma", f"{info.service_name_en} / {info.service_name_sw}"),
        ("Application / Ombi", info.application_reference),
        ("PayBill / Account", f"{bill.paybill} / {bill.account_number}"),
        ("Method / Njia", info.method.value.upper()),
    ]
    if receipt.payment.phone:
        rows.append(("Phone / Simu", mask_phone(receipt.payment.phone)))
    rows += [
        ("Service fee / Ada ya huduma", _kes(bill.amount_kes)),
        ("Convenience fee / Ada ya huduma ya mtandao", _kes(bill.convenience_fee_kes)),
    ]
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    body += f'<tr class="total"><td>Total / Jumla</td><td>{escape(_kes(info.amount_kes))}</td></tr>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Receipt {escape(info.receipt_no)}</title><style>{_STYLE}</style></head><body>"
        "<h1>eCitizen payment receipt / Risiti ya malipo</h1>"
        '<p class="demo">DEMO - not an official government receipt.</p>'
        f"<table>{body}</table>"
        '<p class="noprint"><button onclick="window.print()">Print / Chapisha</button></p>'
        "</body></html>"
    )


def error_page() -> str:
    """Return the page shown for a wrong or expired link."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link expired</title>'
        "</head><body><h1>This link is not valid or has expired.</h1>"
        "<p>Kiungo hiki si sahihi au muda wake umekwisha. Ask the assistant for a new one. "
        "/ Omba kiungo kipya kutoka kwa msaidizi.</p></body></html>"
    )
