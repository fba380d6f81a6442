"""widen expenses.currency to varchar(8)

Revision ID: 3a9e7d2b5c18
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-10 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3a9e7d2b5c18"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column(
        "expenses",
        "currency",
        existing_type=sa.String(3),
        type_=sa.String(8),
        existing_nullable=False,
        existing_server_default=sa.text("'EUR'::character varying"),
    )


def downgrade() -> None:
    op.alter_column(
        "expenses",
        "currency",
        existing_type=sa.String(8),
        type_=sa.String(3),
        existing_nullable=False,
        existing_server_default=sa.text("'EUR'::character varying"),
    )
