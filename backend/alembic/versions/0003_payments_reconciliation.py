"""payments you can trust: push stages, every callback kept, the reconciliation schedule

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 17:01:31.373117
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REASONS = (
    "'insufficient_funds', 'cancelled_by_user', 'timeout', 'wrong_pin', 'card_declined', "
    "'gateway_error', 'expired', 'other'"
)
NEW_REASONS = (
    "'insufficient_funds', 'cancelled_by_user', 'timeout', 'wrong_pin', 'card_declined', "
    "'gateway_error', 'expired', 'not_sent', 'other'"
)


def upgrade() -> None:
    op.create_table(
        "mpesa_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("checkout_request_id", sa.String(length=64), nullable=True),
        sa.Column("merchant_request_id", sa.String(length=64), nullable=True),
        sa.Column("result_code", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("raw_body", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "verdict IN ('applied', 'held', 'duplicate', 'suspicious')",
            name=op.f("ck_mpesa_callbacks_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_mpesa_callbacks_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mpesa_callbacks")),
    )
    with op.batch_alter_table("mpesa_callbacks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mpesa_callbacks_checkout_request_id"), ["checkout_request_id"]
        )
        batch_op.create_index(batch_op.f("ix_mpesa_callbacks_payment_id"), ["payment_id"])

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("push_stage", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("callback_nonce", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("account_reference", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("push_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("check_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("chat_identity", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_payments_next_check_at"), ["next_check_at"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_payments_callback_nonce"), ["callback_nonce"]
        )
        batch_op.drop_constraint(op.f("ck_payments_failure_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_payments_failure_reason"), f"failure_reason IN ({NEW_REASONS})"
        )
        batch_op.create_check_constraint(
            op.f("ck_payments_push_stage"),
            "push_stage IN ('reserved', 'sending', 'accepted', 'refused')",
        )
    # M-Pesa attempts still pending from before this version: have the reconciler ask
    # Daraja about each of them at once (the old code expired them without asking).
    op.execute(
        "UPDATE payments SET push_stage = 'accepted', next_check_at = CURRENT_TIMESTAMP, "
        "push_sent_at = created_at "
        "WHERE method = 'mpesa' AND status = 'pending' AND checkout_request_id IS NOT NULL"
    )
    op.execute(
        "UPDATE payments SET push_stage = 'sending', next_check_at = CURRENT_TIMESTAMP, "
        "push_sent_at = created_at, account_reference = "
        "(SELECT bills.account_number FROM bills WHERE bills.id = payments.bill_id) "
        "WHERE method = 'mpesa' AND status = 'pending' AND checkout_request_id IS NULL"
    )


def downgrade() -> None:
    op.execute("UPDATE payments SET failure_reason = 'other' WHERE failure_reason = 'not_sent'")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_payments_push_stage"), type_="check")
        batch_op.drop_constraint(op.f("ck_payments_failure_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_payments_failure_reason"), f"failure_reason IN ({OLD_REASONS})"
        )
        batch_op.drop_constraint(batch_op.f("uq_payments_callback_nonce"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_payments_next_check_at"))
        batch_op.drop_column("chat_identity")
        batch_op.drop_column("last_checked_at")
        batch_op.drop_column("check_attempts")
        batch_op.drop_column("next_check_at")
        batch_op.drop_column("push_sent_at")
        batch_op.drop_column("account_reference")
        batch_op.drop_column("callback_nonce")
        batch_op.drop_column("push_stage")

    with op.batch_alter_table("mpesa_callbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mpesa_callbacks_payment_id"))
        batch_op.drop_index(batch_op.f("ix_mpesa_callbacks_checkout_request_id"))

    op.drop_table("mpesa_callbacks")
