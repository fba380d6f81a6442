"""make review_priority NOT NULL with default 0

Revision ID: f2b6c08d93a4
Revises: a8d35f27c1e9
Create Date: 2026-05-25 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f2b6c08d93a4"
down_revision = "a8d35f27c1e9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        "expenses",
        "review_priority",
        existing_type=sa.Integer(),
        nullable=False,
        server_default=sa.text("0"),
    )


def downgrade() -> None:
    # Undo in reverse: the default was set after NOT NULL, so it goes first.
    op.alter_column("expenses", "review_priority", existing_type=sa.Integer(), server_default=None)
    op.alter_column("expenses", "review_priority", existing_type=sa.Integer(), nullable=True)
