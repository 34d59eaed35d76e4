"""Every HTTP route and webhook, fuzzed: no input, however odd, gets a 500 or an echo of itself.

Two kinds of input, both against the whole server as `msaidizi serve` builds it (assistant,
mounted backend, console, channel webhooks; in process):

* schemathesis generates requests from each OpenAPI schema, valid and invalid ones, with the
  service key, a citizen's token and a web chat session attached, so they reach deep code;
* hypothesis throws raw bodies at every route that takes one: lone surrogates, JSON nested
  thousands deep, invalid UTF-8, oversize bodies, and JSON of the wrong shape signed with the
  real WhatsApp app secret or sent with the real Telegram secret.

Examples per route and kind: MSAIDIZI_FUZZ_EXAMPLES (100 by default, so a local run of the whole
suite stays short; set 1,000 for a deep run, as CI should, and every route gets thousands).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.generation import GenerationMode

from backend.container import Container
from bot.combined import create_combined_app
from bot.config import BotSettings, TelegramSettings, WhatsAppSettings
from tests.backend.helpers import issue_token, make_application, make_citizen
from tests.helpers.server import LiveServer

EXAMPLES = int(os.environ.get("MSAIDIZI_FUZZ_EXAMPLES", "100"))
APP_SECRET, TELEGRAM_SECRET, VERIFY = "fuzz-app-secret", "fuzz_telegram_secret", "fuzz-verify"
CHAT = "webchat:fuzz-citizen"
MAX_PROBLEM = 4096  # a refusal quotes at most a short excerpt of what it refused
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """The whole server in process, with a citizen, a token and a web chat session."""
    folder = tmp_path_factory.mktemp("fuzz")
    os.environ["MSAIDIZI_BACKEND_DATABASE_URL"] = f"sqlite:///{folder / 'backend.db'}"
    try:
        settings_ = BotSettings(
            _env_file=None, data_dir=folder / "var", watch_knowledge=False,  # type: ignore[call-arg]
            telegram=TelegramSettings(token=SecretStr("1:fuzz"), mode="webhook",
                                      webhook_secret=SecretStr(TELEGRAM_SECRET),
                                      api_base_url="http://127.0.0.1:9"),
            whatsapp=WhatsAppSettings(access_token=SecretStr("fuzz"),
                                      app_secret=SecretStr(APP_SECRET),
                                      verify_token=SecretStr(VERIFY), phone_number_id="1000",
                                      api_base_url="http://127.0.0.1:9"),
        )
        app, _ = create_combined_app(settings_)
    finally:
        del os.environ["MSAIDIZI_BACKEND_DATABASE_URL"]
    container: Container = app.routes[-1].app.state.container  # type: ignore[attr-defined]
    citizen = make_citizen(container)
    make_application(container, citizen)
    headers = {"X-Service-Key": "dev-service-key", **issue_token(container, citizen, CHAT)}
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        client.post("/webchat/session")
        headers["Cookie"] = f"msz_chat={client.cookies['msz_chat']}"
        yield client, headers


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if 400 <= response.status_code < 500:
        assert len(response.content) <= MAX_PROBLEM, f"{what}: {len(response.content)} bytes"


def _schema(client: httpx.Client, path: str) -> Any:
    return schemathesis.openapi.from_url(f"{client.base_url}{path}")


@pytest.mark.parametrize("spec", ["/openapi.json", "/backend/openapi.json"])
def test_fuzz_every_route_in_the_api_schemas(
    server: tuple[httpx.Client, dict[str, str]], spec: str
) -> None:
    client, headers = server
    schema = _schema(client, spec)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        def run(case: Any) -> None:
            case.headers = {**headers, **(case.headers or {})}
            response = case.call()
            _check(response, f"{case.method} {case.formatted_path}")

        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert failures == []


BAD_TEXT = st.one_of(
    st.just(b'{"text": "\\ud800", "sender": "x", "message": "\\udfff"}'),
    st.integers(65, 20_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(65, 20_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.binary(min_size=1, max_size=300),
    st.just(b"\xff\xfe\x00\x01{"),
    st.just(b"{" + b" " * (600 * 1024) + b"}"),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
WHATSAPP_SHAPES = st.fixed_dictionaries({
    "object": st.just("whatsapp_business_account"),
    "entry": st.lists(st.fixed_dictionaries({"changes": st.lists(st.fixed_dictionaries({
        "field": st.just("messages"),
        "value": st.fixed_dictionaries({"metadata": st.just({"phone_number_id": "1000"}),
                                        "messages": JSON_VALUES}),
    }), max_size=2)}), max_size=2),
}) | JSON_VALUES


def _body_routes(client: httpx.Client) -> list[str]:
    paths = []
    for spec, prefix in (("/openapi.json", ""), ("/backend/openapi.json", "/backend")):
        for path, methods in client.get(spec).json()["paths"].items():
            if "post" in methods and "{" not in path:
                paths.append(prefix + path)
    return paths


def test_fuzz_raw_bodies_on_every_route_that_takes_one(
    server: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, headers = server
    routes = _body_routes(client)
    assert "/webchat/send" in routes and "/backend/api/v1/security-reports" in routes
    for route in routes:

        @FUZZ
        @given(body=BAD_TEXT | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
        def run(body: bytes) -> None:
            response = client.post(route, content=body,  # noqa: B023 - run() is called at once
                                   headers={**headers, "Content-Type": "application/json"})
            _check(response, f"POST {route} ({body[:40]!r})")  # noqa: B023

        run()


def test_fuzz_signed_whatsapp_notifications_of_any_shape(
    server: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = server

    @FUZZ
    @given(payload=WHATSAPP_SHAPES)
    def run(payload: Any) -> None:
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = client.post("/webhooks/whatsapp", content=body, headers={
            "Content-Type": "application/json", "X-Hub-Signature-256": signature})
        _check(response, f"WhatsApp {body[:60]!r}")
        # a signed notification is acknowledged (even an unreadable one): Meta stops retrying
        assert response.status_code in (200, 400)

    run()


def test_fuzz_telegram_updates_of_any_shape(server: tuple[httpx.Client, dict[str, str]]) -> None:
    client, _ = server

    @FUZZ
    @given(payload=JSON_VALUES | st.fixed_dictionaries({
        "update_id": st.integers(0, 2**40), "message": JSON_VALUES}) | BAD_TEXT)
    def run(payload: Any) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        response = client.post("/webhooks/telegram", content=body, headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        _check(response, f"Telegram {body[:60]!r}")

    run()


def test_fuzz_pages_and_files_never_fail(server: tuple[httpx.Client, dict[str, str]]) -> None:
    client, _ = server

    @FUZZ
    @given(path=st.sampled_from(["/", "/webchat/static/", "/backend/console/static/",
                                 "/backend/receipts/", "/backend/dev/card/", "/console/"]),
           tail=st.text(max_size=30))
    def run(path: str, tail: str) -> None:
        response = client.get(path + quote(tail.encode("utf-8", "surrogatepass"), safe=""))
        _check(response, f"GET {path}{tail!r}")

    run()

