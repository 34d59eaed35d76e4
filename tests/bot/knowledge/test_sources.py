"""The allow-list of sites an answer may link: government, agencies' own sites, Safaricom."""

from __future__ import annotations

import pytest

from bot.knowledge.sources import host_of, is_home_page, is_official


@pytest.mark.parametrize("url", [
    "https://www.ecitizen.go.ke/",
    "https://accounts.ecitizen.go.ke/en/register",
    "https://immigration.go.ke/passport-services/",
    "https://www.kra.go.ke/individual/filing-paying/types-of-taxes/paye",
    "http://ntsa.go.ke/",
    "https://www.safaricom.co.ke/personal/m-pesa/lipa-na-m-pesa/paybill",
    "https://new.kenyalaw.org/akn/ke/act/2019/24/eng@2022-12-31",
    "HTTPS://WWW.KRA.GO.KE/",
])
def test_official_pages_are_allowed(url: str) -> None:
    assert is_official(url)


@pytest.mark.parametrize("url", [
    "https://www.tuko.co.ke/facts-lifehacks/guides/how-to-renew-passport/",
    "https://kenyans.co.ke/news/passport-fees",
    "https://ecitizen.go.ke.example.com/login",  # a look-alike: the real domain is a prefix
    "https://fakesafaricom.co.ke/mpesa",  # not Safaricom's own site
    "https://go.ke.scam.net/",
    "ftp://ecitizen.go.ke/file",
    "mailto:support@ecitizen.go.ke",
    "ecitizen.go.ke/login",  # no scheme: not a link a citizen can trust
])
def test_other_pages_are_refused(url: str) -> None:
    assert not is_official(url)


def test_the_host_is_compared_without_www_and_case() -> None:
    assert host_of("https://WWW.NTSA.go.ke/path?x=1") == "ntsa.go.ke"
    assert host_of("not a url") == ""


@pytest.mark.parametrize(("url", "home"), [
    ("https://www.ecitizen.go.ke", True),
    ("https://immigration.go.ke/", True),
    ("https://www.safaricom.co.ke/", True),
    ("https://kenyalaw.org", True),
    ("https://immigration.go.ke/type-and-fees/", False),
    ("https://kenyanews.go.ke/?p=64125", False),  # an article addressed by its query
    ("https://serviceportal.ntsa.go.ke/", False),  # a service's own site is that service's page
    ("https://accounts.ecitizen.go.ke/en/login", False),
])
def test_a_home_page_is_an_organisations_main_address_alone(url: str, home: bool) -> None:
    assert is_home_page(url) is home
