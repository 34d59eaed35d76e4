"""The printable HTML receipt a citizen opens from a signed link."""

from __future__ import annotations

from html import escape

from backend.core.i18n import say
from backend.models import Citizen, Receipt
from backend.schemas.payments import ReceiptOut
from common.formats import format_moment, format_money
from privacy import mask_phone

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.3rem;margin-bottom:.2rem} .demo{color:#a00;font-weight:bold}
table{border-collapse:collapse;width:100%;margin-top:1rem}
td{padding:.4rem;border-bottom:1px solid #ddd}
td:first-child{color:#555;width:45%} .total td{font-weight:bold}
@media print{.noprint{display:none}}
"""


def render_receipt(info: ReceiptOut, citizen: Citizen, receipt: Receipt) -> str:
    """Return the receipt page in the citizen's language; every value is escaped."""
    lang = citizen.preferred_language
    bill = receipt.payment.bill
    payer = f"{citizen.first_name} {citizen.last_name[:1]}."
    service = info.service_name_sw if lang == "sw" else info.service_name_en
    rows = [
        (say(lang, "Receipt number"), info.receipt_no),
        (say(lang, "Date"), format_moment(info.issued_at, lang)),
        (say(lang, "Paid by"), payer),
        (say(lang, "Service"), service),
        (say(lang, "Application"), info.application_reference),
        (say(lang, "PayBill and account number"), f"{bill.paybill} / {bill.account_number}"),
        (say(lang, "Paid with"), info.method.value.upper()),
    ]
    if receipt.payment.phone:
        rows.append((say(lang, "Phone"), mask_phone(receipt.payment.phone)))
    rows += [
        (say(lang, "Service fee"), format_money(bill.amount_kes, lang)),
        (say(lang, "Convenience fee"), format_money(bill.convenience_fee_kes, lang)),
    ]
    total = say(lang, "Total")
    title = say(lang, "Receipt %(number)s", number=info.receipt_no)
    heading = say(lang, "eCitizen payment receipt")
    demo = say(lang, "DEMO: not an official government receipt.")
    print_label = say(lang, "Print")
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    body += (f'<tr class="total"><td>{escape(total)}</td>'
             f"<td>{escape(format_money(info.amount_kes, lang))}</td></tr>")
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(heading)}</h1><p class=\"demo\">{escape(demo)}</p>"
        f"<table>{body}</table>"
        f'<p class="noprint"><button onclick="window.print()">{escape(print_label)}'
        "</button></p></body></html>"
    )


def error_page() -> str:
    """Return the page for a wrong or expired link, in both languages: the reader is unknown."""
    parts = []
    for lang in ("en", "sw"):
        heading = say(lang, "This link is not valid or has expired.")
        advice = say(lang, "Ask the assistant for a new link.")
        parts.append(f'<h1 lang="{lang}">{escape(heading)}</h1>'
                     f'<p lang="{lang}">{escape(advice)}</p>')
    title = say("en", "This link is not valid or has expired.")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{''.join(parts)}</body></html>")
