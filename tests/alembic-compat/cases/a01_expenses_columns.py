"""add confidence score and reconciler run

Revision ID: a01
Revises:
Create Date: 2024-05-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "a01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("confidence_score", sa.Numeric(4, 3), nullable=True))
    op.add_column("expenses", sa.Column("reconciler_run_id", sa.Uuid(), nullable=True))
    op.add_column("expenses", sa.Column("batch_id", postgresql.UUID(as_uuid=True), nullable=True))
    op.create_index(op.f("ix_expenses_reconciler_run_id"), "expenses", ["reconciler_run_id"], unique=False)
    op.drop_column("expenses", "legacy_notes")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("legacy_notes", sa.TEXT(), autoincrement=False, nullable=True))
    op.drop_index(op.f("ix_expenses_reconciler_run_id"), table_name="expenses")
    op.drop_column("expenses", "batch_id")
    op.drop_column("expenses", "reconciler_run_id")
    op.drop_column("expenses", "confidence_score")
