"""add receipt_url to expenses, giving up rather than queueing

Revision ID: e7d0a35f9c12
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-06 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7d0a35f9c12"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SET LOCAL lasts until Alembic's transaction commits, so the settings cannot leak into
    # the next migration or the application's sessions.
    # If the lock is not granted within 2 s, Postgres cancels the ALTER with 55P03, the whole
    # transaction rolls back, and the deploy script retries later.
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '30s'")
    op.add_column("expenses", sa.Column("receipt_url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '2s'")
    op.execute("SET LOCAL statement_timeout = '30s'")
    op.drop_column("expenses", "receipt_url")
