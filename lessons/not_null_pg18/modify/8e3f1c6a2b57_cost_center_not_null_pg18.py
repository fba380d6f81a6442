"""make expenses.cost_center NOT NULL, the Postgres 18 way

Revision ID: 8e3f1c6a2b57
Revises: 6a2d9e4f1b38
Create Date: 2026-08-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8e3f1c6a2b57"
down_revision = "6a2d9e4f1b38"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Postgres 18: a NOT NULL constraint can be added NOT VALID. This needs ACCESS EXCLUSIVE
    # for a moment and reads no row, so it runs and commits on its own.
    with op.get_context().autocommit_block():
        op.execute(
            "ALTER TABLE expenses ADD CONSTRAINT expenses_cost_center_not_null "
            "NOT NULL cost_center NOT VALID"
        )
    # A new transaction: VALIDATE reads every row under SHARE UPDATE EXCLUSIVE,
    # so the application keeps reading and writing while it runs.
    op.execute("ALTER TABLE expenses VALIDATE CONSTRAINT expenses_cost_center_not_null")


def downgrade() -> None:
    op.execute("ALTER TABLE expenses DROP CONSTRAINT expenses_cost_center_not_null")
