"""add vat_number to vendors

Revision ID: a2f6c81e0b47
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a2f6c81e0b47"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Give up after 2 s instead of queueing every vendor page behind this ALTER;
    # the deploy script retries the whole upgrade a little later.
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '30s'")
    op.add_column("vendors", sa.Column("vat_number", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '30s'")
    op.drop_column("vendors", "vat_number")
