//! The migration model shared by every front end (Alembic files, plain SQL pairs, a learner's editor).

pub mod version_table;

use crate::diagnostic::{Diagnostic, Span};
use crate::locks::DocumentedLock;
use serde::{Deserialize, Serialize};

/// Where a migration came from, with the identity Alembic gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub revision: String,
    /// Empty for the first revision; more than one for a merge.
    pub down_revision: Vec<String>,
    #[serde(default)]
    pub branch_labels: Vec<String>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The first line of the module docstring, as `alembic history` shows it.
    pub message: String,
    #[serde(default)]
    pub create_date: Option<String>,
}

/// One SQL statement a migration runs, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// One complete statement without the trailing `;`.
    pub sql: String,
    /// True when the step runs outside any transaction: inside `op.get_context().autocommit_block()`,
    /// or a `CONCURRENTLY` statement in a plain SQL file (which runs it on its own, as psql would).
    pub autocommit: bool,
    /// The span of the operation in the migration's source file, so an engine error can mark it.
    pub span: Option<Span>,
    /// For an autocommit step, the locks the manual documents for it (filled by the analysis): such a step runs
    /// outside any transaction, so its locks are over before a lock trace can look.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documented: Vec<DocumentedLock>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub revision: Revision,
    pub upgrade: Vec<Step>,
    pub downgrade: Vec<Step>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Upgrade,
    Downgrade,
}

impl Migration {
    pub fn steps(&self, direction: Direction) -> &[Step] {
        match direction {
            Direction::Upgrade => &self.upgrade,
            Direction::Downgrade => &self.downgrade,
        }
    }
}

/// A migration read from a revision file or an SQL pair and everything worth telling its author.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub migration: Migration,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}
