"""add vat_number to vendors

Revision ID: 3d2cd8cc4c5d
Revises: 9f0e1d2c4b7a
Create Date: 2026-06-17 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3d2cd8cc4c5d"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding a nullable column without a default only touches the catalog,
    # so this is instant even on a busy table.
    op.add_column("vendors", sa.Column("vat_number", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("vendors", "vat_number")
