"""name index

Revision ID: b1
Revises: a
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "b1"
down_revision = "a"
branch_labels = None
depends_on = None

def upgrade():
    op.create_index("ix_users_name", "users", ["name"])


def downgrade():
    op.drop_index("ix_users_name", table_name="users")
