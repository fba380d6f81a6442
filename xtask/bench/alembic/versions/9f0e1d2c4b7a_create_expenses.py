"""create expenses with 1,000 rows

Revision ID: 9f0e1d2c4b7a
Revises:
Create Date: 2026-05-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "9f0e1d2c4b7a"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expenses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.execute("INSERT INTO expenses (amount, note) SELECT g, 'expense ' || g FROM generate_series(1, 1000) g")


def downgrade() -> None:
    op.drop_table("expenses")
