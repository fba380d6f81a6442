"""Offline-only Alembic environment: renders PostgreSQL DDL with `--sql`, never connects."""
from alembic import context

context.configure(
    url="postgresql://",
    target_metadata=None,
    literal_binds=True,
    dialect_opts={"paramstyle": "named"},
)
with context.begin_transaction():
    context.run_migrations()
