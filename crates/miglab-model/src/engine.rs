//! Engine protocol, pure half: the introspection SQL, run plans with transaction boundaries, branch bookkeeping and error-position mapping.
//!
//! Both engines (the PGlite bridge in the browser and the CLI's engines) are transports driving [`session::Session`]:
//! they send the SQL it hands them and feed the answers back, so Alembic's transaction rules, the statement guard,
//! branch restore points, the restart after a lost engine, lesson setup and error positions are decided once, here,
//! and tested natively. [`EngineError`] is the one failure type they all return.

pub mod backup;
pub mod branch;
pub mod call;
mod error;
pub mod introspect;
pub mod plan;
pub mod position;
pub mod replay;
pub mod runner;
pub mod session;

pub use call::Engine;
pub use error::EngineError;

use crate::diagnostic::LineCol;
use serde::{Deserialize, Serialize};

/// A Postgres error as the server reported it, kept whole so the learner sees what Postgres said.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PgError {
    /// The five-character SQLSTATE, e.g. `42P01`.
    pub sqlstate: String,
    pub message: String,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    /// Postgres's 1-based character offset into the SQL string that was sent.
    #[serde(default)]
    pub position: Option<u32>,
    /// `position` mapped back to the learner's source, when it can be.
    #[serde(default)]
    pub at: Option<LineCol>,
}

impl std::fmt::Display for PgError {
    /// `ERROR 42P01: relation "t" does not exist`, then the detail and hint on their own lines, as psql shows them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ERROR {}: {}", self.sqlstate, self.message)?;
        if let Some(at) = self.at {
            write!(f, " (at {at})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "\nDETAIL: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nHINT: {hint}")?;
        }
        Ok(())
    }
}

impl PgError {
    /// Sets `at` from `position`, counting into `sql`, the exact text that was sent.
    pub fn located_in(mut self, sql: &str) -> PgError {
        self.at = self.position.and_then(|p| position::in_text(sql, p));
        self
    }
}

/// The rows of one statement, every value as JSON (text for types JSON has no word for).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

impl QueryResult {
    /// The first column of the first row as text: the shape of every single-value query the engines send.
    pub fn first_text(&self) -> Option<&str> {
        self.rows.first()?.first()?.as_str()
    }
}

/// What a migration run did: Alembic's log lines and, when a step failed, which one and why.
/// A failing migration is a learner's result, not an engine failure, so it lives here and not in an `Err`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The lines Alembic logs, e.g. `Running upgrade  -> 9f0e1d2c, create expenses`.
    pub log: Vec<String>,
    /// Every statement sent, in order, including the transaction control Alembic issues.
    pub statements: Vec<String>,
    #[serde(default)]
    pub failure: Option<RunFailure>,
    /// True when the run committed work outside the branch transaction (an autocommit step),
    /// so the branch point can only be restored from its dump.
    #[serde(default)]
    pub committed: bool,
    /// The lock trace of a traced plan ([`plan::RunPlan::traced`]): per statement, the locks the run's transaction
    /// held after it, what it rewrote and how long it took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Box<crate::locks::Trace>>,
}

impl RunReport {
    pub fn succeeded(&self) -> bool {
        self.failure.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFailure {
    /// The index into [`plan::RunPlan::steps`] of the step that failed.
    pub step: usize,
    pub error: PgError,
}
