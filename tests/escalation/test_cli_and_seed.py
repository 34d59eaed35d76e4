"""`msaidizi agents ...` and the development demo agents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from backend.cli import upgrade_database
from backend.config import BackendSettings
from backend.core.db import make_engine, make_sessionmaker
from backend.core.settings import CoreSettings, get_core_settings
from escalation.agents.passwords import Passwords
from escalation.cli import agents_group, tickets_group
from escalation.config import get_escalation_settings
from escalation.models import Agent, AgentSession
from escalation.seed import DEMO_AGENTS, seed_demo_agents
from tests.escalation.helpers import TEST_SETTINGS

NOW = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MSAIDIZI_BACKEND_DATABASE_URL", url)
    for name, value in (("ARGON2_TIME_COST", "1"), ("ARGON2_MEMORY_KIB", "1024"),
                        ("ARGON2_PARALLELISM", "1")):
        monkeypatch.setenv(f"MSAIDIZI_ESCALATION_{name}", value)
    get_core_settings.cache_clear()
    get_escalation_settings.cache_clear()
    upgrade_database(BackendSettings(database_url=url))
    yield url
    get_core_settings.cache_clear()
    get_escalation_settings.cache_clear()


def _agents(url: str) -> list[Agent]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(Agent).order_by(Agent.id)))
    finally:
        engine.dispose()


def test_agents_add_with_password_on_stdin(db: str) -> None:
    result = CliRunner().invoke(agents_group, [
        "add", "--email", "Achieng@Example.go.ke", "--name", "Achieng Odhiambo",
        "--role", "agent", "--languages", "en,sw", "--categories", "general,payment",
        "--max-open", "3", "--password-stdin"], input="a strong passphrase\n")
    assert result.exit_code == 0, result.output
    (agent,) = _agents(db)
    assert (agent.email, agent.display_name, agent.languages, agent.categories, agent.max_open
            ) == ("achieng@example.go.ke", "Achieng", "en sw", "general payment", 3)
    assert agent.password_hash.startswith("$argon2id$")
    assert Passwords(TEST_SETTINGS).verify(agent.password_hash, "a strong passphrase")
    again = CliRunner().invoke(agents_group, [
        "add", "--email", "achieng@example.go.ke", "--name", "A", "--password-stdin"],
        input="a strong passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output
    listing = CliRunner().invoke(agents_group, ["list"])
    assert "achieng@example.go.ke" in listing.output and "active" in listing.output


@pytest.mark.parametrize(("args", "password", "message"), [
    (["--languages", "en,fr"], "a strong passphrase", "unknown languages: fr"),
    (["--categories", "tax"], "a strong passphrase", "unknown categories: tax"),
    (["--role", "boss"], "a strong passphrase", "Invalid value for '--role'"),
    ([], "short", "password refused"),
])
def test_agents_add_refusals(db: str, args: list[str], password: str, message: str) -> None:
    result = CliRunner().invoke(agents_group, [
        "add", "--email", "x@example.go.ke", "--name", "X", "--password-stdin", *args],
        input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert _agents(db) == []


def test_set_password_deactivate_and_unlock(db: str) -> None:
    runner = CliRunner()
    runner.invoke(agents_group, ["add", "--email", "a@example.go.ke", "--name", "A B",
                                 "--password-stdin"], input="first passphrase\n")
    engine = make_engine(db)
    with make_sessionmaker(engine)() as session:
        agent = session.scalars(select(Agent)).one()
        session.add(AgentSession(agent_id=agent.id, token_hash="h" * 64, csrf_token="c",
                                 created_at=NOW, last_seen_at=NOW, expires_at=NOW))
        session.commit()
    changed = runner.invoke(agents_group, ["set-password", "--email", "a@example.go.ke",
                                           "--password-stdin"], input="second passphrase\n")
    assert changed.exit_code == 0, changed.output
    with make_sessionmaker(engine)() as session:
        assert session.scalars(select(AgentSession.revoked_at)).one() is not None
        stored = session.scalars(select(Agent.password_hash)).one()
    assert Passwords(TEST_SETTINGS).verify(stored, "second passphrase")
    assert runner.invoke(agents_group, ["deactivate", "--email", "a@example.go.ke"]).exit_code == 0
    assert _agents(db)[0].active is False
    assert runner.invoke(agents_group, ["unlock", "--email", "a@example.go.ke"]).exit_code == 0
    missing = runner.invoke(agents_group, ["deactivate", "--email", "nobody@example.go.ke"])
    assert missing.exit_code != 0 and "no console user" in missing.output
    engine.dispose()


def test_production_refuses_demo_passwords_in_cli(db: str, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    monkeypatch.setattr("escalation.cli.get_core_settings",
                        lambda: CoreSettings.model_construct(environment="production"))
    result = CliRunner().invoke(agents_group, ["add", "--email", "a@example.go.ke", "--name",
                                               "A", "--password-stdin"],
                                input="demo-agent-2025\n")
    assert result.exit_code != 0 and "public demo password" in result.output


def test_demo_agents_are_seeded_once_and_never_in_production(db: str) -> None:
    engine = make_engine(db)
    with make_sessionmaker(engine)() as session:
        assert seed_demo_agents(session=session, production=False, now=NOW) == len(DEMO_AGENTS)
        assert seed_demo_agents(session=session, production=False, now=NOW) == 0
        session.commit()
        with pytest.raises(RuntimeError):
            seed_demo_agents(session=session, production=True, now=NOW)
    engine.dispose()
    agents = {a.email: a for a in _agents(db)}
    assert set(agents) == {d.email for d in DEMO_AGENTS}
    checker = Passwords(TEST_SETTINGS)
    for demo in DEMO_AGENTS:
        assert checker.verify(agents[demo.email].password_hash, demo.password)
        assert agents[demo.email].role is demo.role
    assert agents["security@example.go.ke"].categories == "security"
    assert agents["agent.en@example.go.ke"].languages == "en"


def test_tickets_redact_command(db: str) -> None:
    result = CliRunner().invoke(tickets_group, ["redact", "--older-than-days", "30"])
    assert result.exit_code == 0, result.output
    assert "Masked personal data in 0 texts" in result.output
