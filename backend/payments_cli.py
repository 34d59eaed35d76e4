"""`msaidizi payments`: what operators see and do about payments that are not final yet."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select

from backend.cli import load_settings, upgrade_database
from backend.container import Container, build_container
from backend.domain import CallbackVerdict, PaymentMethod, PaymentStatus
from backend.models import MpesaCallback, Payment


@click.group("payments")
def payments_group() -> None:
    """Payments awaiting M-Pesa's answer, reconciliation and suspicious callbacks."""


def _container() -> Container:
    """Build the backend's services on the same database `serve` uses, migrated."""
    settings = load_settings()
    upgrade_database(settings)
    return build_container(settings)


def _age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    seconds = int((now - moment).total_seconds())
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 0 else f"in {-seconds}s"


@payments_group.command("pending")
def pending_command() -> None:
    """List M-Pesa payments that are not final, oldest first, with their next check."""
    container = _container()
    try:
        now = container.clock()
        with container.session_factory() as session:
            rows = session.scalars(
                select(Payment)
                .where(Payment.method == PaymentMethod.MPESA,
                       Payment.status == PaymentStatus.PENDING)
                .order_by(Payment.created_at)
            ).all()
        if not rows:
            click.echo("No M-Pesa payment is waiting for an answer.")
            return
        click.echo(f"{'id':>6}  {'account':10}  {'KES':>7}  {'stage':8}  {'age':>8}  "
                   f"{'checks':>6}  next check")
        for p in rows:
            click.echo(f"{p.id:>6}  {p.account_reference or '-':10}  {p.amount_kes:>7}  "
                       f"{p.push_stage or '-':8}  {_age(p.created_at, now):>8}  "
                       f"{p.check_attempts:>6}  {_age(p.next_check_at, now)}")
    finally:
        container.close()


@payments_group.command("reconcile")
@click.option("--payment", "payment_id", type=int, default=None, help="Only this payment.")
def reconcile_command(payment_id: int | None) -> None:
    """Ask M-Pesa now about every payment that is not final (or one) and settle what it says."""
    container = _container()
    try:
        ids = [payment_id] if payment_id else container.reconciler.due(
            limit=10_000, include_future=True)
        if not ids:
            click.echo("Nothing to reconcile.")
        for pid in ids:
            outcome = container.reconciler.check(pid, force=True)
            if outcome is None:
                click.echo(f"payment {pid}: skipped (final, or being checked elsewhere)")
            else:
                click.echo(f"payment {pid}: {outcome.status} ({outcome.note})")
    finally:
        container.close()


@payments_group.command("suspicious")
@click.option("--all", "show_all", is_flag=True, help="Include reviewed callbacks.")
def suspicious_command(show_all: bool) -> None:
    """List M-Pesa callbacks that did not match what we sent (newest first)."""
    container = _container()
    try:
        with container.session_factory() as session:
            query = select(MpesaCallback).where(
                MpesaCallback.verdict == CallbackVerdict.SUSPICIOUS)
            if not show_all:
                query = query.where(MpesaCallback.reviewed_at.is_(None))
            rows = session.scalars(query.order_by(MpesaCallback.id.desc()).limit(200)).all()
        for row in rows:
            click.echo(f"#{row.id} {row.received_at:%Y-%m-%d %H:%M:%S} from {row.source or '?'} "
                       f"payment {row.payment_id or '-'}: {row.reason}")
        if not rows:
            click.echo("No suspicious callback to review.")
    finally:
        container.close()
