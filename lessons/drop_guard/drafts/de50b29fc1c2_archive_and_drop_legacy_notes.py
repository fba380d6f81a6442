"""archive legacy_notes, then drop the column

Revision ID: de50b29fc1c2
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-22 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "de50b29fc1c2"
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
    op.drop_column("expenses", "legacy_notes")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("legacy_notes", sa.Text(), nullable=True))
    op.execute(
        "UPDATE expenses SET legacy_notes = a.legacy_notes "
        "FROM expenses_legacy_notes_archive AS a WHERE a.expense_id = expenses.id"
    )
    op.drop_table("expenses_legacy_notes_archive")
