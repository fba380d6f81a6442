"""audit, a second base that needs email

Revision ID: c
Revises: 
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "c"
down_revision = None
branch_labels = ("other",)
depends_on = "b2"

def upgrade():
    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.Text()))


def downgrade():
    op.drop_table("audit")
