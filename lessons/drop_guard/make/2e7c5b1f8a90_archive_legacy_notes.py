"""copy legacy_notes into an archive table

Revision ID: 2e7c5b1f8a90
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-22 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2e7c5b1f8a90"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expenses_legacy_notes_archive",
        sa.Column("expense_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("legacy_notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("expense_id"),
    )
    op.execute(
        "INSERT INTO expenses_legacy_notes_archive (expense_id, legacy_notes) "
        "SELECT id, legacy_notes FROM expenses WHERE legacy_notes IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("expenses_legacy_notes_archive")
