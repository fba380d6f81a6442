"""backfill first_name and last_name, keeping every word

Revision ID: 7c0e3f9b2a58
Revises: 2d7f4b9e1c60
Create Date: 2026-06-16 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7c0e3f9b2a58"
down_revision = "2d7f4b9e1c60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The first word is the first name; everything after the first space is the last name.
    # A single-word name has no last name, so it stays NULL instead of becoming ''.
    op.execute(
        """
        UPDATE users
        SET first_name = split_part(name, ' ', 1),
            last_name = NULLIF(substr(name, length(split_part(name, ' ', 1)) + 2), '')
        WHERE first_name IS NULL
        """
    )


def downgrade() -> None:
    op.execute("UPDATE users SET first_name = NULL, last_name = NULL")
