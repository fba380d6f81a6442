"""audit note

Revision ID: d
Revises: c
Create Date: 2024-07-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "d"
down_revision = "c"
branch_labels = None
depends_on = None

def upgrade():
    for column in ["note", "source"]:
        op.add_column("audit", sa.Column(column, sa.Text()))


def downgrade():
    op.drop_column("audit", "source")
    op.drop_column("audit", "note")
