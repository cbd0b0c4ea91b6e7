"""Notices teachers asked for: certificate registered, schedule published

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number_key", sa.String(length=64), nullable=True),
        sa.Column("cohort", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_notice_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_requests")),
    )
    op.create_index(
        "ix_notice_requests_number", "notice_requests", ["kind", "number_key"], unique=False
    )
    op.create_index(
        "ix_notice_requests_cohort", "notice_requests", ["kind", "cohort"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notice_requests_cohort", table_name="notice_requests")
    op.drop_index("ix_notice_requests_number", table_name="notice_requests")
    op.drop_table("notice_requests")
