"""add approval_status to expenses

Revision ID: c3f81a6e0d52
Revises: f2b6c08d93a4
Create Date: 2026-05-27 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3f81a6e0d52"
down_revision = "f2b6c08d93a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant server default fills existing rows without rewriting the table (Postgres 11 and later).
    op.add_column(
        "expenses",
        sa.Column("approval_status", sa.String(20), nullable=False, server_default="approved"),
    )


def downgrade() -> None:
    op.drop_column("expenses", "approval_status")
