"""alter columns

Revision ID: a02
Revises:
Create Date: 2024-05-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a02"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("expenses", "amount", existing_type=sa.NUMERIC(precision=10, scale=2), nullable=False)
    op.alter_column("expenses", "status", server_default="pending")
    op.alter_column("expenses", "created_at", server_default=sa.func.now())
    op.alter_column("expenses", "updated_at", server_default=sa.text("now()"))
    op.alter_column("expenses", "flag", server_default=sa.text("false"), existing_type=sa.Boolean())
    op.alter_column("expenses", "note", new_column_name="memo")
    op.alter_column(
        "expenses",
        "amount",
        type_=sa.String(length=32),
        existing_type=sa.Numeric(10, 2),
        postgresql_using="amount::text",
    )
    op.alter_column("expenses", "total", type_=sa.BigInteger())
    op.alter_column("expenses", "memo", comment="free text", existing_type=sa.Text())
    op.alter_column("expenses", "count", nullable=True, server_default="0", type_=sa.Integer(), existing_type=sa.SmallInteger())
    op.alter_column("expenses", "ts", type_=sa.DateTime(timezone=True), postgresql_using="ts AT TIME ZONE 'UTC'")


def downgrade():
    op.alter_column("expenses", "ts", type_=sa.DateTime())
    op.alter_column("expenses", "count", nullable=False, server_default=None, type_=sa.SmallInteger())
    op.alter_column("expenses", "memo", comment=None, existing_comment="free text")
    op.alter_column("expenses", "total", type_=sa.Integer())
    op.alter_column("expenses", "amount", type_=sa.Numeric(10, 2), postgresql_using="amount::numeric(10,2)")
    op.alter_column("expenses", "memo", new_column_name="note")
    op.alter_column("expenses", "flag", server_default=None)
    op.alter_column("expenses", "updated_at", server_default=None)
    op.alter_column("expenses", "created_at", server_default=None)
    op.alter_column("expenses", "status", server_default=None)
    op.alter_column("expenses", "amount", existing_type=sa.NUMERIC(precision=10, scale=2), nullable=True)
