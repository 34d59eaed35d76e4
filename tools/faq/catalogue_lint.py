"""Fees in articles come from the billing catalogue: check placeholders, refuse typed amounts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.core.placeholders import KINDS, Fee, placeholders
from bot.knowledge.loader import Knowledge, Problem
from tools.faq.locate import find_line

# An amount in shillings as editors type it: "KES 3,050", "KSh1,050", "Sh 200", "shilingi 500".
MONEY = re.compile(r"\b(?:KES|KShs?|Kshs?|Shs?|shilingi)\.?\s?(\d{1,3}(?:,\d{3})+|\d+)\b",
                   re.IGNORECASE)


def fee_problems(knowledge: Knowledge, fees: Mapping[str, Fee]) -> Iterable[Problem]:
    """Report unknown service codes and amounts written by hand where the catalogue has them."""
    for article in knowledge.articles.values():
        codes = set(article.services)
        for code in article.services:
            if code not in fees:
                yield Problem(article.path, find_line(article.path, code, after="services:"),
                              _unknown(code, fees))
        for line in article.body.splitlines():
            where = find_line(article.path, line, body=True)
            for placeholder in placeholders(line):
                codes.add(placeholder.code)
                if placeholder.kind in KINDS and placeholder.code not in fees:
                    yield Problem(article.path, where, _unknown(placeholder.code, fees))
        for line in article.body.splitlines():
            for match in MONEY.finditer(line):
                problem = _typed_amount(match[0], int(match[1].replace(",", "")), codes, fees)
                if problem is not None:
                    message, severity = problem
                    yield Problem(article.path, find_line(article.path, line, body=True),
                                  message, severity)


def _unknown(code: str, fees: Mapping[str, Fee]) -> str:
    return (f"{code!r} is not a service of the catalogue (backend/catalogue_data.py); use one "
            f"of: {', '.join(sorted(fees))}")


def _typed_amount(typed: str, amount: int, codes: set[str], fees: Mapping[str, Fee]
                  ) -> tuple[str, str] | None:
    """Explain a typed amount that the catalogue already holds, or return None."""
    for code in sorted(codes & set(fees)):
        for kind in ("fee", "service_fee"):
            if amount == fees[code].amount(kind):
                return (f"{typed} is typed by hand, but the catalogue that bills this service "
                        f"has it: write {{{kind}:{code}}} so the answer always matches the "
                        "bill", "error")
    for code, fee in sorted(fees.items()):
        if amount == fee.total:
            return (f"{typed} is what the catalogue bills for {code!r}: if this is that fee, "
                    f"write {{fee:{code}}}; if not, say which service it is for", "warning")
    return None
