"""make confidence_score NOT NULL with default 0.000

Revision ID: c7e2a9f10b38
Revises: ab12cd34e5f6
Create Date: 2026-05-12 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c7e2a9f10b38"
down_revision = "ab12cd34e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A default only applies to rows inserted later, so existing NULLs are filled first.
    op.execute("UPDATE expenses SET confidence_score = 0.000 WHERE confidence_score IS NULL")
    op.alter_column(
        "expenses",
        "confidence_score",
        existing_type=sa.Numeric(4, 3),
        nullable=False,
        server_default=sa.text("0.000"),
    )


def downgrade() -> None:
    # Undo in reverse: Alembic set NOT NULL, then the default, so drop the default first.
    # The backfilled 0.000 values stay; nothing can tell them from real scores.
    op.alter_column(
        "expenses",
        "confidence_score",
        existing_type=sa.Numeric(4, 3),
        server_default=None,
    )
    op.alter_column(
        "expenses",
        "confidence_score",
        existing_type=sa.Numeric(4, 3),
        nullable=True,
    )
