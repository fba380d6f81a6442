"""store expenses.amount as text

Revision ID: b2e6f9a1c047
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-08 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b2e6f9a1c047"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The importer sends amounts as strings; the agent "fixed" the column to match.
    op.alter_column(
        "expenses",
        "amount",
        existing_type=sa.Numeric(10, 2),
        type_=sa.String(20),
        existing_nullable=False,
        postgresql_using="amount::varchar",
    )


def downgrade() -> None:
    op.alter_column(
        "expenses",
        "amount",
        existing_type=sa.String(20),
        type_=sa.Numeric(10, 2),
        existing_nullable=False,
        postgresql_using="amount::numeric(10,2)",
    )
