"""abuse and identity: known console browsers, code requests keyed by what was typed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_devices_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agent_devices_token_hash")),
    )
    with op.batch_alter_table("agent_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_devices_agent_id"), ["agent_id"])
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_otp_challenges_request_key"), ["request_key"])
    # Lock counters are now kept per address and browser (console) and per chat (codes):
    # the old per-address and per-account counters would never be read again.
    op.execute("DELETE FROM agent_signin_throttles")
    op.execute("DELETE FROM signin_throttles")


def downgrade() -> None:
    with op.batch_alter_table("otp_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_otp_challenges_request_key"))
        batch_op.drop_column("request_key")
    with op.batch_alter_table("agent_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_devices_agent_id"))
    op.drop_table("agent_devices")
