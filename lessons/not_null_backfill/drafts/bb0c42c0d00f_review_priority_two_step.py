"""add review_priority in one revision

Revision ID: bb0c42c0d00f
Revises: 9f0e1d2c4b7a
Create Date: 2026-05-31 13:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "bb0c42c0d00f"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_priority", sa.Integer(), nullable=True))
    op.alter_column(
        "expenses",
        "review_priority",
        existing_type=sa.Integer(),
        nullable=False,
        server_default=sa.text("0"),
    )
    op.execute("UPDATE expenses SET review_priority = CASE WHEN amount >= 500 THEN 1 ELSE 0 END")


def downgrade() -> None:
    op.drop_column("expenses", "review_priority")
