"""handled updates, so several processes answer each update once

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_updates",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "key", name=op.f("pk_handled_updates")),
    )
    with op.batch_alter_table("handled_updates", schema=None) as batch_op:
        batch_op.create_index("ix_handled_updates_handled_at", ["handled_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handled_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_handled_updates_handled_at")
    op.drop_table("handled_updates")
