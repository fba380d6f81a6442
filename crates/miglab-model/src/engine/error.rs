//! The one engine failure type of the workspace: the bridge, the CLI's engines and the session all return it.
//!
//! Each `Display` is a full sentence a learner or an instructor can read as it is,
//! and a Postgres error keeps its SQLSTATE, message, detail, hint and position.
//! A failing migration step is not here: it is a learner's result, kept in a [`super::RunReport`].

use super::PgError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Serde data too, because a check replayed in the browser carries the engine's answers, failures included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum EngineError {
    /// Postgres refused the SQL; SQLSTATE, message, detail, hint and position are kept.
    Postgres(PgError),
    /// A statement ran past the limit; the engine was stopped and has been started again at the last branch point.
    /// `statement` says what ran when the engine knows it, e.g. ``"`SELECT pg_sleep(30)`"``.
    Timeout {
        statement: Option<String>,
        ms: u64,
    },
    /// The engine's process (the Web Worker, Node, the server connection) ended on its own;
    /// it has been started again at the last branch point.
    WorkerDied(String),
    /// The engine was lost and starting it again failed too; the next call tries again.
    Lost {
        lost: String,
        restart: String,
    },
    /// The engine could not start at all.
    Boot(String),
    /// The engine's answer did not have the shape the protocol promises.
    Protocol(String),
    UnknownBranch(String),
    /// A statement that changes the whole server (a role, a database, a tablespace, its settings) was not sent;
    /// the text says which and why, without a final period.
    Refused(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Postgres(error) => write!(f, "{error}"),
            EngineError::Timeout { statement, ms } => write!(
                f,
                "{} was still running after {ms} ms, so it was stopped. PGlite cannot cancel a statement, so the database restarted at the last branch point.",
                statement.as_deref().unwrap_or("The statement")
            ),
            EngineError::WorkerDied(why) => {
                write!(f, "The database engine stopped ({why}). It restarted at the last branch point.")
            }
            EngineError::Lost { lost, restart } => {
                write!(f, "The database engine stopped ({lost}) and could not be restarted. {restart}")
            }
            EngineError::Boot(why) => write!(f, "The database engine could not start: {why}."),
            EngineError::Protocol(what) => {
                write!(f, "The database engine answered something unexpected: {what}.")
            }
            EngineError::UnknownBranch(name) => write!(f, "There is no branch called {name:?}."),
            EngineError::Refused(why) => write!(f, "{why}."),
        }
    }
}

impl std::error::Error for EngineError {}

impl EngineError {
    /// The Postgres error, when that is what this is.
    pub fn postgres(&self) -> Option<&PgError> {
        match self {
            EngineError::Postgres(error) => Some(error),
            _ => None,
        }
    }

    /// True for a Postgres error with this SQLSTATE.
    pub fn is_sqlstate(&self, sqlstate: &str) -> bool {
        self.postgres().is_some_and(|pg| pg.sqlstate == sqlstate)
    }

    /// True when the engine is gone and has to be started again at the last branch point.
    pub fn lost_engine(&self) -> bool {
        matches!(self, EngineError::Timeout { .. } | EngineError::WorkerDied(_))
    }

    /// What happened, without the claim that the engine came back: for [`EngineError::Lost`].
    pub fn what_was_lost(&self) -> String {
        match self {
            EngineError::Timeout { statement, ms } => format!(
                "{} was still running after {ms} ms",
                statement.as_deref().unwrap_or("a statement")
            ),
            EngineError::WorkerDied(reason) => reason.clone(),
            other => other.to_string(),
        }
    }

    /// Sets a Postgres error's line and column from its position, counting into `sql`, the text that was sent.
    pub fn located_in(self, sql: &str) -> EngineError {
        match self {
            EngineError::Postgres(pg) => EngineError::Postgres(pg.located_in(sql)),
            other => other,
        }
    }
}

impl From<PgError> for EngineError {
    fn from(error: PgError) -> EngineError {
        EngineError::Postgres(error)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn sentences_ok() {
        let timeout =
            EngineError::Timeout { statement: Some("`SELECT pg_sleep(30)`".into()), ms: 2000 };
        assert_eq!(timeout.to_string(), "`SELECT pg_sleep(30)` was still running after 2000 ms, so it was stopped. PGlite cannot cancel a statement, so the database restarted at the last branch point.");
        assert_eq!(
            EngineError::Timeout { statement: None, ms: 5 }.what_was_lost(),
            "a statement was still running after 5 ms"
        );
        let lost = EngineError::Lost {
            lost: timeout.what_was_lost(),
            restart: EngineError::Boot("node exited".into()).to_string(),
        };
        assert_eq!(lost.to_string(), "The database engine stopped (`SELECT pg_sleep(30)` was still running after 2000 ms) and could not be restarted. The database engine could not start: node exited.");
        assert!(timeout.lost_engine() && !lost.lost_engine());
    }

    #[test]
    fn postgres_keeps_fields_err() {
        let error = EngineError::from(PgError {
            sqlstate: "42703".into(),
            message: "column \"nope\" does not exist".into(),
            position: Some(8),
            ..PgError::default()
        })
        .located_in("SELECT nope");
        assert!(error.is_sqlstate("42703"));
        assert_eq!(
            error.postgres().and_then(|pg| pg.at).map(|at| at.to_string()).as_deref(),
            Some("1:8")
        );
        assert_eq!(error.to_string(), "ERROR 42703: column \"nope\" does not exist (at 1:8)");
    }
}
