"""Receipts: JSON view and the signed, expiring HTML link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from backend.container import Container
from backend.core.domain import Language
from backend.domain import ApplicationStatus
from tests.backend.helpers import assert_problem, issue_token, make_application, make_citizen


@pytest.fixture
def receipt(container: Container, client: httpx.Client) -> dict[str, object]:
    citizen = make_citizen(container, first_name="<script>alert(1)</script>")
    make_application(container, citizen, status=ApplicationStatus.SUBMITTED, receipt="SJK4XY12AB")
    headers = issue_token(container, citizen)
    body: dict[str, object] = client.get("/api/v1/me/receipts/SJK4XY12AB", headers=headers).json()
    return body


def test_receipt_json_view(receipt: dict[str, object], container: Container) -> None:
    assert receipt["receipt_no"] == "SJK4XY12AB"
    assert receipt["amount_kes"] == 1050
    assert receipt["service_code"] == "good_conduct"
    assert str(receipt["download_url"]).startswith(
        f"{container.settings.base_url}/receipts/SJK4XY12AB?exp=")


def test_receipt_signed_link_opens_html_without_credentials(
    receipt: dict[str, object], anon_client: httpx.Client
) -> None:
    page = anon_client.get(str(receipt["download_url"]))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SJK4XY12AB" in page.text and "KES 1,050" in page.text and "KES 50" in page.text
    assert "<script>alert" not in page.text  # names are escaped
    assert page.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("tamper", ["sig", "exp", "receipt"])
def test_receipt_tampered_link_is_not_found(
    receipt: dict[str, object], anon_client: httpx.Client, tamper: str
) -> None:
    url = urlsplit(str(receipt["download_url"]))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    path = url.path
    if tamper == "sig":
        first = query["sig"][0]
        query["sig"] = ("B" if first == "A" else "A") + query["sig"][1:]  # always a change
        assert query["sig"] != parse_qs(url.query)["sig"][0]
    elif tamper == "exp":
        query["exp"] = str(int(query["exp"]) + 3600)
    else:
        path = path.replace("SJK4XY12AB", "SJK4XY12AC")
    page = anon_client.get(path, params=query)
    assert page.status_code == 404
    assert "not valid or has expired" in page.text


def test_receipt_link_expires(
    receipt: dict[str, object], anon_client: httpx.Client, container: Container
) -> None:
    container.clock.advance(timedelta(hours=24, seconds=5))
    assert anon_client.get(str(receipt["download_url"])).status_code == 404


def test_receipt_unknown_number_is_not_found(client: httpx.Client, container: Container) -> None:
    headers = issue_token(container, make_citizen(container))
    assert_problem(client.get("/api/v1/me/receipts/NOPE123456", headers=headers), 404,
                   "not-found")


def test_receipt_page_is_in_the_citizens_language(
    container: Container, client: httpx.Client, anon_client: httpx.Client
) -> None:
    citizen = make_citizen(container, language=Language.SW)
    make_application(container, citizen, status=ApplicationStatus.SUBMITTED, receipt="SJK4XY12SW")
    headers = issue_token(container, citizen)
    body = client.get("/api/v1/me/receipts/SJK4XY12SW", headers=headers).json()
    page = anon_client.get(str(body["download_url"])).text
    assert '<html lang="sw">' in page and "Risiti ya malipo ya eCitizen" in page
    assert "KSh 1,050" in page and "Ada ya matumizi ya eCitizen" in page
    assert "cheti cha maadili mema (good conduct)" in page and ">Service fee<" not in page
