"""add review_priority: nullable, backfill, then NOT NULL

Revision ID: 5e09b7d4a361
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-26 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e09b7d4a361"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_priority", sa.Integer(), nullable=True))
    op.execute("UPDATE expenses SET review_priority = CASE WHEN amount >= 500 THEN 1 ELSE 0 END")
    op.alter_column(
        "expenses",
        "review_priority",
        existing_type=sa.Integer(),
        nullable=False,
        server_default=sa.text("0"),
    )


def downgrade() -> None:
    op.drop_column("expenses", "review_priority")
