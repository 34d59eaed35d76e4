"""Which web pages an answer may show citizens: official sources only.

Our own scam advice tells citizens that a link outside government sites is a warning sign, so
answers link only pages of the Government of Kenya (`.go.ke`), of an agency on its own site,
and of Safaricom for M-Pesa. Blogs and news sites may inform an editor's research; they go in
an article's `notes`, which citizens never see. A new official domain is added here, in code
review, not by editing an article.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Every host under these suffixes is a government site (ministries, agencies, portals).
OFFICIAL_SUFFIXES = (".go.ke",)
# Official sites outside .go.ke, each with the reason it is official.
OFFICIAL_HOSTS = {
    "safaricom.co.ke": "Safaricom, the operator of M-Pesa (PayBill, fraud reporting)",
    "kenyalaw.org": "National Council for Law Reporting, publisher of the Laws of Kenya",
    # Agencies whose services the assistant sends citizens to (knowledge/elsewhere.yaml)
    "helb.co.ke": "Higher Education Loans Board (HELB), student loans",
    "nssf.or.ke": "National Social Security Fund (NSSF)",
    "iebc.or.ke": "Independent Electoral and Boundaries Commission (IEBC)",
    "kplc.co.ke": "Kenya Power (KPLC), electricity connections and bills",
    "kcaa.or.ke": "Kenya Civil Aviation Authority (KCAA)",
    "knec.ac.ke": "Kenya National Examinations Council (KNEC)",
    "kuccps.net": "KUCCPS students' placement portal (students.kuccps.net)",
}


def host_of(url: str) -> str:
    """Return the lower-case host of `url` without a leading "www.", or ""."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def is_official(url: str) -> bool:
    """Return True when `url` is an http(s) page on an official site."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    host = host_of(url)
    if any(host.endswith(suffix) for suffix in OFFICIAL_SUFFIXES):
        return True
    return any(host == name or host.endswith(f".{name}") for name in OFFICIAL_HOSTS)


def is_home_page(url: str) -> bool:
    """Return True when `url` is an organisation's front page: it names the site, not the fact.

    A service's own subdomain (the NTSA service portal, Huduma's appointment site) is the page
    of that service, so only the organisation's main address counts as a home page.
    """
    parts = urlsplit(url)
    if parts.path.strip("/") or parts.query:
        return False
    labels = host_of(url).split(".")
    # Kenyan second-level domains (.go.ke, .co.ke, .or.ke) name the organisation in 3 labels
    size = 3 if len(labels) >= 3 and labels[-1] == "ke" else 2
    return len(labels) <= size
