"""make expenses.cost_center NOT NULL on any server, scanning outside ACCESS EXCLUSIVE

Revision ID: 2b9d7f0e4c61
Revises: 6a2d9e4f1b38
Create Date: 2026-08-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2b9d7f0e4c61"
down_revision = "6a2d9e4f1b38"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added and committed on its own: a moment of ACCESS EXCLUSIVE, no row read.
    with op.get_context().autocommit_block():
        op.execute(
            "ALTER TABLE expenses ADD CONSTRAINT expenses_cost_center_check "
            "CHECK (cost_center IS NOT NULL) NOT VALID"
        )
    # A new transaction: the scan runs under SHARE UPDATE EXCLUSIVE.
    op.execute("ALTER TABLE expenses VALIDATE CONSTRAINT expenses_cost_center_check")
    # SET NOT NULL trusts the valid CHECK and reads nothing; its ACCESS EXCLUSIVE lasts until COMMIT, which is soon.
    op.alter_column("expenses", "cost_center", existing_type=sa.String(length=20), nullable=False)
    op.drop_constraint("expenses_cost_center_check", "expenses", type_="check")


def downgrade() -> None:
    op.alter_column("expenses", "cost_center", existing_type=sa.String(length=20), nullable=True)
