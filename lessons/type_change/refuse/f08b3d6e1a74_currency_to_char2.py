"""shorten expenses.currency to two letters

Revision ID: f08b3d6e1a74
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f08b3d6e1a74"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        "expenses",
        "currency",
        existing_type=sa.String(3),
        type_=sa.String(2),
        existing_nullable=False,
        postgresql_using="left(currency, 2)",
    )


def downgrade() -> None:
    op.alter_column(
        "expenses",
        "currency",
        existing_type=sa.String(2),
        type_=sa.String(3),
        existing_nullable=False,
    )
