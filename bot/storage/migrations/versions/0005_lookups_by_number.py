"""Certificate lookups counted per register number (its hash) as well as per person

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificate_lookups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_certificate_lookups_number_at", ["number_key", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("certificate_lookups", schema=None) as batch_op:
        batch_op.drop_index("ix_certificate_lookups_number_at")
        batch_op.drop_column("number_key")
