//! A lock as the PostgreSQL manual documents it for a statement, on the relation it names.
//!
//! Which statement takes which lock is the analysis's table (`miglab_analysis::locks::documented`);
//! this is its result, which the tracer reports for statements it cannot observe.

use super::mode::LockMode;
use serde::{Deserialize, Serialize};

/// The relation a documented lock is on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Target {
    Table(String),
    Index(String),
    /// The table an index belongs to: `DROP INDEX` names only the index.
    TableOfIndex(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentedLock {
    pub target: Target,
    pub mode: LockMode,
}

impl Target {
    /// Tables first, then indexes, then an index named for its table; by name within each.
    pub fn order_key(&self) -> (u8, &str) {
        match self {
            Target::Table(name) => (0, name),
            Target::Index(name) => (1, name),
            Target::TableOfIndex(name) => (2, name),
        }
    }

    /// The name the target carries (a table, or an index).
    pub fn name(&self) -> &str {
        match self {
            Target::Table(name) | Target::Index(name) | Target::TableOfIndex(name) => name,
        }
    }
}
