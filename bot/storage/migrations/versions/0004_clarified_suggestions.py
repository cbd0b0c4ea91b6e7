"""FAQ suggestions from "which do you mean?": no ticket, the entry the teacher picked

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("faq_suggestions", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("entry_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("faq_suggestions", schema=None) as batch_op:
        batch_op.drop_column("entry_id")
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
