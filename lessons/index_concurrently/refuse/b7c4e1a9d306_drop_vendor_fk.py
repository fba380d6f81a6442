"""drop the vendor foreign key to speed up imports

Revision ID: b7c4e1a9d306
Revises: 9f0e1d2c4b7a
Create Date: 2026-07-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7c4e1a9d306"
down_revision = "9f0e1d2c4b7a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("expenses_vendor_id_fkey", "expenses", type_="foreignkey")


def downgrade() -> None:
    op.create_foreign_key("expenses_vendor_id_fkey", "expenses", "vendors", ["vendor_id"], ["id"])
