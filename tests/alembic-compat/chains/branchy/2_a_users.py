"""users

Revision ID: a
Revises: 
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a"
down_revision = None
branch_labels = None
depends_on = None

def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table("users")
