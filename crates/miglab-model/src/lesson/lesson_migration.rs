//! One revision of a lesson as loaded: where it came from, its source text, and its translated steps.
//!
//! It sits below both `load` (which builds the chain) and `translate` (which fills one in), so
//! neither depends on the other.

use super::model::MigrationRef;
use crate::migration::Migration;
use serde::{Deserialize, Serialize};

/// One revision: where it came from, its source text for display, and its translated steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonMigration {
    pub reference: MigrationRef,
    pub source: MigrationSource,
    pub migration: Migration,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MigrationSource {
    Alembic { file: String, text: String },
    Sql { up_file: String, up: String, down_file: String, down: String },
}

impl LessonMigration {
    pub fn id(&self) -> &str {
        &self.migration.revision.revision
    }

    /// The revision this one revises; `None` for the first.
    pub fn parent(&self) -> Option<&str> {
        self.migration.revision.down_revision.first().map(String::as_str)
    }

    /// The file to show a student and to point diagnostics at: the Alembic file or the up file.
    pub fn file(&self) -> &str {
        match &self.source {
            MigrationSource::Alembic { file, .. } => file,
            MigrationSource::Sql { up_file, .. } => up_file,
        }
    }
}
