"""make expenses.cost_center NOT NULL without a long scan under ACCESS EXCLUSIVE

Revision ID: c0e7b5a3d912
Revises: 6a2d9e4f1b38
Create Date: 2026-08-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c0e7b5a3d912"
down_revision = "6a2d9e4f1b38"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The recipe for servers before Postgres 18: a CHECK added NOT VALID,
    # validated, then SET NOT NULL (which trusts the valid CHECK), then the CHECK dropped.
    op.execute(
        "ALTER TABLE expenses ADD CONSTRAINT expenses_cost_center_check "
        "CHECK (cost_center IS NOT NULL) NOT VALID"
    )
    op.execute("ALTER TABLE expenses VALIDATE CONSTRAINT expenses_cost_center_check")
    op.alter_column("expenses", "cost_center", existing_type=sa.String(length=20), nullable=False)
    op.drop_constraint("expenses_cost_center_check", "expenses", type_="check")


def downgrade() -> None:
    op.alter_column("expenses", "cost_center", existing_type=sa.String(length=20), nullable=True)
