"""Console sign-in: Argon2, cookies, CSRF on every change, lockout, sessions, roles."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from backend.config import BackendSettings
from backend.main import create_app
from escalation.agents.passwords import Passwords
from escalation.config import EscalationSettings
from escalation.domain import AgentRole
from escalation.models import Agent
from tests.backend.helpers import assert_problem
from tests.escalation.helpers import PASSWORD, Console, Esc, make_agent, open_ticket


@pytest.fixture
def browser(esc: Esc) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=esc.url + "/console/api", timeout=30) as http:
        yield http


def _pre(browser: httpx.Client) -> str:
    token: str = browser.get("/csrf").json()["csrf"]
    return token


def _sign_in(browser: httpx.Client, email: str, password: str) -> httpx.Response:
    return browser.post("/session", json={"email": email, "password": password},
                        headers={"X-CSRF-Token": _pre(browser)})


def test_passwords_are_argon2id_and_checked() -> None:
    passwords = Passwords(EscalationSettings(argon2_time_cost=1, argon2_memory_kib=1024,
                                             argon2_parallelism=1))
    stored = passwords.hash("a long passphrase")
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    assert passwords.verify(stored, "a long passphrase")
    assert not passwords.verify(stored, "a long passphrasE")
    assert not passwords.verify(None, "anything")
    assert not passwords.verify("not a hash", "anything")
    assert passwords.hash("same") != passwords.hash("same")  # salted
    assert passwords.check_policy("short") is not None
    assert passwords.check_policy("aaaaaaaaaaaaaaaa") is not None
    assert passwords.check_policy(" padded password ") is not None
    assert passwords.check_policy("a fine passphrase") is None


def test_sign_in_sets_strict_httponly_cookie(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc, name="Achieng Odhiambo")
    response = _sign_in(browser, agent.email.upper(), PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["agent"]["name"] == "Achieng Odhiambo"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("msz_console="))
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/console" in lowered
    assert "secure" not in lowered  # plain http in tests; https public URLs get Secure
    assert browser.get("/me").json()["csrf"] == response.json()["csrf"]
    assert response.headers["cache-control"] == "no-store"


def test_sign_in_needs_the_form_token(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc)
    assert_problem(browser.post("/session", json={"email": agent.email, "password": PASSWORD}),
                   403, "csrf-invalid")
    _pre(browser)
    assert_problem(browser.post("/session", json={"email": agent.email, "password": PASSWORD},
                                headers={"X-CSRF-Token": "forged"}), 403, "csrf-invalid")


def test_wrong_password_and_lockout(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc)
    for _ in range(4):
        assert_problem(_sign_in(browser, agent.email, "wrong password!"), 401, "sign-in-failed")
    fifth = _sign_in(browser, agent.email, "wrong password!")  # the failure that locks says so
    engaged = assert_problem(fifth, 429, "sign-in-locked")
    assert engaged["retry_after_seconds"] == 15 * 60
    assert fifth.headers["Retry-After"] == str(15 * 60)
    response = _sign_in(browser, agent.email, PASSWORD)
    locked = assert_problem(response, 429, "sign-in-locked")
    assert 0 < locked["retry_after_seconds"] <= 15 * 60
    assert response.headers["Retry-After"] == str(locked["retry_after_seconds"])
    esc.set_now(esc.now() + timedelta(minutes=16))
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200


def test_unknown_addresses_lock_the_same_way(browser: httpx.Client) -> None:
    for _ in range(4):
        assert_problem(_sign_in(browser, "nobody@example.go.ke", "x"), 401, "sign-in-failed")
    assert_problem(_sign_in(browser, "nobody@example.go.ke", "x"), 429, "sign-in-locked")
    assert_problem(_sign_in(browser, "nobody@example.go.ke", "x"), 429, "sign-in-locked")


def test_inactive_agent_cannot_sign_in(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc)
    with esc.container.session_factory() as session:
        row = session.get(Agent, agent.id)
        assert row is not None
        row.active = False
        session.commit()
    assert_problem(_sign_in(browser, agent.email, PASSWORD), 401, "sign-in-failed")


ROUTES: list[tuple[str, str]] = [
    ("POST", "/tickets/T-000001/claim"), ("POST", "/tickets/T-000001/messages"),
    ("POST", "/tickets/T-000001/resolve"), ("POST", "/tickets/T-000001/transfer"),
    ("POST", "/tickets/T-000001/assign"), ("POST", "/tickets/T-000001/reveal"),
    ("PUT", "/me/availability"), ("DELETE", "/session"), ("POST", "/canned"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_changes_need_a_session_and_the_csrf_token(esc: Esc, browser: httpx.Client,
                                                   method: str, path: str) -> None:
    assert_problem(browser.request(method, path, json={}), 401, "session-required")
    agent = make_agent(esc)
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200
    assert_problem(browser.request(method, path, json={}), 403, "csrf-invalid")
    assert_problem(browser.request(method, path, json={}, headers={"X-CSRF-Token": "nope"}),
                   403, "csrf-invalid")


@pytest.mark.parametrize("path", ["/me", "/queue", "/tickets/T-000001", "/agents", "/canned",
                                  "/supervisor", "/tickets/T-000001/messages"])
def test_reads_need_a_session(browser: httpx.Client, path: str) -> None:
    assert_problem(browser.get(path), 401, "session-required")


def test_sign_out_ends_the_session(esc: Esc, console: Callable[..., Console]) -> None:
    signed_in = console(make_agent(esc))
    stolen_cookie = signed_in.http.cookies.get("msz_console")
    response = signed_in.http.delete("/session", headers={"X-CSRF-Token": signed_in.csrf})
    assert response.status_code == 204
    with httpx.Client(base_url=esc.url + "/console/api",
                      cookies={"msz_console": stolen_cookie or ""}) as replay:
        assert_problem(replay.get("/me"), 401, "session-required")


def test_idle_and_absolute_session_expiry(esc: Esc, console: Callable[..., Console]) -> None:
    signed_in = console(make_agent(esc))
    esc.set_now(esc.now() + timedelta(minutes=59))
    assert signed_in.get("/me").status_code == 200  # activity extends the idle window
    esc.set_now(esc.now() + timedelta(minutes=61))
    assert_problem(signed_in.get("/me"), 401, "session-required")


def test_roles_editor_and_agent_limits(esc: Esc, client: httpx.Client,
                                       console: Callable[..., Console]) -> None:
    editor = console(make_agent(esc, role=AgentRole.EDITOR, queues=""))
    assert_problem(editor.get("/queue"), 403, "role-forbidden")
    number = open_ticket(client)["number"]
    assert_problem(editor.get(f"/tickets/{number}"), 404, "not-found")
    added = editor.post("/canned", {"title": "Thanks", "language": "sw", "text": "Asante sana"})
    assert added.status_code == 201
    agent = console(make_agent(esc))
    assert_problem(agent.get("/supervisor"), 403, "role-forbidden")
    assert_problem(agent.post("/canned", {"title": "x", "language": "en", "text": "y"}), 403,
                   "role-forbidden")
    assert_problem(agent.post(f"/tickets/{number}/assign", {"agent_id": 1}), 403,
                   "role-forbidden")
    titles = {c["title"] for c in agent.get("/canned", params={"language": "sw"}).json()}
    assert {"Salamu", "Thanks"} <= titles and "Greeting" not in titles


def test_weaker_hashes_are_upgraded_at_sign_in(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc)
    stronger = EscalationSettings(argon2_time_cost=2, argon2_memory_kib=2048,
                                  argon2_parallelism=1)
    esc.use_settings(stronger)
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200
    with esc.container.session_factory() as session:
        stored = session.scalars(select(Agent.password_hash).where(Agent.id == agent.id)).one()
    assert "m=2048,t=2" in stored


def test_production_refuses_demo_passwords(esc: Esc, browser: httpx.Client) -> None:
    agent = make_agent(esc, password="demo-agent-2025")
    assert _sign_in(browser, agent.email, "demo-agent-2025").status_code == 200
    esc.runtime.production = True  # the runtime is rebuilt for every test
    assert_problem(_sign_in(browser, agent.email, "demo-agent-2025"), 401, "sign-in-failed")


def test_cookie_path_and_secure_flag_when_mounted_under_https() -> None:
    settings = BackendSettings(database_url="sqlite://", public_url="https://x.example/backend")
    outer = FastAPI()
    inner = create_app(settings)
    outer.mount("/backend", inner)

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=outer)
        async with httpx.AsyncClient(transport=transport, base_url="https://x.example") as http:
            return await http.get("/backend/console/api/csrf")

    # a fresh thread has no event loop of its own, whatever other tests left running here
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            response = pool.submit(asyncio.run, fetch()).result(timeout=30)
    finally:
        inner.state.container.close()
    cookie = response.headers["set-cookie"].lower()
    assert "path=/backend/console" in cookie and "secure" in cookie


def test_twenty_parallel_wrong_passwords_lock_exactly_at_the_limit(esc: Esc) -> None:
    """Each wrong password is counted under a row lock: four are refused, the fifth locks."""
    agent = make_agent(esc)

    def attempt(_: int) -> int:
        with httpx.Client(base_url=esc.url + "/console/api", timeout=60) as http:
            return _sign_in(http, agent.email, "wrong password!").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [401] * 4 + [429] * 16


def test_strangers_guesses_never_lock_the_agents_own_browser(
    esc: Esc, browser: httpx.Client
) -> None:
    agent = make_agent(esc)
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200  # a known browser now
    assert "msz_console_device" in browser.cookies
    with httpx.Client(base_url=esc.url + "/console/api", timeout=30) as stranger:
        for _ in range(5):
            _sign_in(stranger, agent.email, "guessing!!!!")
        assert_problem(_sign_in(stranger, agent.email, PASSWORD), 429, "sign-in-locked")
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200


def test_supervisor_lifts_a_lock_others_caused(esc: Esc, browser: httpx.Client,
                                                console: Callable[..., Console]) -> None:
    agent = make_agent(esc)
    supervisor = console(make_agent(esc, role=AgentRole.SUPERVISOR))
    for _ in range(5):
        _sign_in(browser, agent.email, "guessing!!!!")
    assert_problem(_sign_in(browser, agent.email, PASSWORD), 429, "sign-in-locked")
    colleague = console(make_agent(esc))
    assert_problem(colleague.post(f"/agents/{agent.id}/unlock"), 403, "role-forbidden")
    assert supervisor.post(f"/agents/{agent.id}/unlock").status_code == 204
    assert _sign_in(browser, agent.email, PASSWORD).status_code == 200


def test_one_address_cannot_try_many_accounts(esc: Esc, browser: httpx.Client) -> None:
    for n in range(20):
        assert_problem(_sign_in(browser, f"name{n}@example.go.ke", "x"), 401, "sign-in-failed")
    limited = assert_problem(_sign_in(browser, "name99@example.go.ke", "x"), 429, "rate-limited")
    assert limited["retry_after_seconds"] > 0
