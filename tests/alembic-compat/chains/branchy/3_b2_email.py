"""email

Revision ID: b2
Revises: a
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a"
branch_labels = None
depends_on = None

def upgrade():
    op.add_column("users", sa.Column("email", sa.Text()))


def downgrade():
    op.drop_column("users", "email")
