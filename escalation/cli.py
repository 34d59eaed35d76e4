"""`msaidizi agents ...` (console users) and `msaidizi tickets ...` (retention).

This module defines the `agents` and `tickets` groups; the `msaidizi` entry point registers
them (`from escalation.cli import agents_group, tickets_group`). The database is the backend's
(`MSAIDIZI_BACKEND_DATABASE_URL`); run the migrations first (`msaidizi seed` or
`alembic -c backend/alembic.ini upgrade head`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from backend.core.db import make_engine, make_sessionmaker
from backend.core.domain import Language
from backend.core.settings import get_core_settings
from common.timezone import utcnow
from escalation.agents.auth import revoke_sessions, unlock
from escalation.agents.passwords import Passwords
from escalation.config import get_escalation_settings
from escalation.domain import AgentRole, Queue
from escalation.models import Agent
from escalation.seed import DEMO_PASSWORDS


def _split(value: str, allowed: set[str], what: str) -> list[str]:
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = sorted(set(items) - allowed)
    if unknown:
        raise click.BadParameter(f"unknown {what}: {', '.join(unknown)} "
                                 f"(choose from {', '.join(sorted(allowed))})")
    return sorted(set(items))


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(get_core_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        raise click.ClickException(
            f"the database is not ready ({type(exc).__name__}); run the migrations first"
        ) from exc
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def _checked_password(passwords: Passwords, password: str) -> str:
    problem = passwords.check_policy(password)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    if get_core_settings().is_production and password in DEMO_PASSWORDS:
        raise click.ClickException("password refused: that is a public demo password")
    return passwords.hash(password)


def _find(session: Session, email: str) -> Agent:
    agent = session.scalar(select(Agent).where(func.lower(Agent.email) == email.strip().lower()))
    if agent is None:
        raise click.ClickException(f"no console user {email}")
    return agent


@click.group("agents")
def agents_group() -> None:
    """Manage support agents, supervisors, security officers and editors of the console."""


@agents_group.command("add")
@click.option("--email", required=True, help="Sign-in address (unique).")
@click.option("--name", required=True, help="Full name, shown to colleagues.")
@click.option("--display-name", default=None, help="Name citizens see (default: first name).")
@click.option("--role", type=click.Choice([r.value for r in AgentRole]), default="agent",
              show_default=True)
@click.option("--languages", default="en", show_default=True,
              help="Languages the agent reads, comma-separated: en,sw")
@click.option("--categories", default="general", show_default=True,
              help="Queues, comma-separated: " + ",".join(q.value for q in Queue))
@click.option("--max-open", type=click.IntRange(1, 50), default=None,
              help="Open tickets at once (default from settings).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_command(email: str, name: str, display_name: str | None, role: str, languages: str,
                categories: str, max_open: int | None, password_stdin: bool) -> None:
    """Create a console user with an Argon2-hashed password."""
    settings = get_escalation_settings()
    langs = _split(languages, {lang.value for lang in Language}, "languages")
    queues = _split(categories, {q.value for q in Queue}, "categories")
    if not langs:
        raise click.BadParameter("give at least one language", param_hint="--languages")
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    password_hash = _checked_password(Passwords(settings), _read_password(password_stdin))
    with _session() as session:
        if session.scalar(select(Agent.id).where(func.lower(Agent.email) == email.lower())):
            raise click.ClickException(f"{email} already exists")
        session.add(Agent(
            email=email.strip().lower(), name=name.strip(),
            display_name=(display_name or name.split()[0]).strip(), role=AgentRole(role),
            languages=" ".join(langs), categories=" ".join(queues),
            max_open=max_open or settings.default_max_open, password_hash=password_hash,
            active=True, accepting=True, created_at=utcnow()))
        session.commit()
    click.echo(f"Added {role} {email} ({'/'.join(langs)}; {', '.join(queues) or 'no queues'}).")


@agents_group.command("list")
def list_command() -> None:
    """List console users."""
    with _session() as session:
        for a in session.scalars(select(Agent).order_by(Agent.email)):
            state = "active" if a.active else "inactive"
            click.echo(f"{a.email}\t{a.name}\t{a.role.value}\t{a.languages}\t{a.categories}"
                       f"\tmax {a.max_open}\t{state}")


@agents_group.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Replace a user's password and sign them out everywhere."""
    password_hash = _checked_password(Passwords(get_escalation_settings()),
                                      _read_password(password_stdin))
    with _session() as session:
        agent = _find(session, email)
        agent.password_hash = password_hash
        revoke_sessions(session=session, agent_id=agent.id, now=utcnow())
        session.commit()
    click.echo(f"Password changed for {email}; their sessions were ended.")


@agents_group.command("deactivate")
@click.option("--email", required=True)
def deactivate_command(email: str) -> None:
    """Stop a user from signing in (their tickets stay with them until reassigned)."""
    with _session() as session:
        agent = _find(session, email)
        agent.active = False
        revoke_sessions(session=session, agent_id=agent.id, now=utcnow())
        session.commit()
    click.echo(f"{email} can no longer sign in.")


@agents_group.command("unlock")
@click.option("--email", required=True)
def unlock_command(email: str) -> None:
    """Lift a sign-in lockout after repeated wrong passwords."""
    with _session() as session:
        unlock(session=session, email=email, now=utcnow())
        session.commit()
    click.echo(f"Sign-in unlocked for {email}.")


@click.group("tickets")
def tickets_group() -> None:
    """Look after support tickets."""


@tickets_group.command("redact")
@click.option("--older-than-days", type=click.IntRange(1, 36500), default=None,
              help="Closed longer ago than this (default: the transcript_retention setting).")
def redact_command(older_than_days: int | None) -> None:
    """Mask personal data in the texts of tickets closed before the retention period."""
    from datetime import timedelta

    from escalation.tickets.retention import redact_closed_tickets

    period = (timedelta(days=older_than_days) if older_than_days
              else get_escalation_settings().transcript_retention)
    with _session() as session:
        changed = redact_closed_tickets(session=session, older_than=period, now=utcnow())
        session.commit()
    click.echo(f"Masked personal data in {changed} texts of tickets closed over "
               f"{period.days} days ago.")
