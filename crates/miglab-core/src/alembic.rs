//! Alembic revision files: Python source parsed with a real Python parser, translated into the PostgreSQL DDL Alembic emits.

pub mod version_table;
