//! Engines the CLI runs lessons on: PGlite under Node by default, or a PostgreSQL server with `--database-url`.
//!
//! Both are synchronous and share [`session::Session`], which keeps the branch transaction, guards each statement
//! with a savepoint and runs plans through the model's runner, so a lesson behaves here exactly as in the browser.

pub mod cluster;
mod database_url;
mod node;
mod scratch;
mod server;
mod session;

pub use database_url::DatabaseUrl;

use miglab_analysis::engine::plan::RunPlan;
pub use miglab_analysis::engine::{PgError, QueryResult, RunReport};
use miglab_analysis::schema::Schema;

/// A database a lesson runs on.
pub trait Engine {
    /// Runs a script of one or more statements.
    fn exec(&mut self, sql: &str) -> Result<(), EngineError>;
    /// Runs a statement (or a script) and returns the rows of the last one.
    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError>;
    /// Reads every table, index, constraint, enum and the `alembic_version` rows.
    fn introspect(&mut self) -> Result<Schema, EngineError>;
    /// Runs migrations as Alembic does; a failing step is reported in the `RunReport`, not as an `Err`.
    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError>;
    /// Makes a restore point called `name` of the current database.
    fn branch(&mut self, name: &str) -> Result<(), EngineError>;
    /// Returns the database to the restore point `name`.
    fn reset(&mut self, name: &str) -> Result<(), EngineError>;
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Postgres refused a statement; the SQLSTATE, detail, hint and position are kept.
    #[error("{0}")]
    Postgres(PgError),
    /// A statement ran past the limit; the engine was stopped and has been restarted at the last branch point.
    /// `statement` says what ran, e.g. ``"`SELECT pg_sleep(30)`"``.
    #[error("{statement} was still running after {ms} ms, so it was stopped; PGlite cannot cancel a statement, so the engine restarted at the last branch point")]
    Timeout { statement: String, ms: u64 },
    /// The engine died on its own; it has been restarted at the last branch point.
    #[error("the engine stopped unexpectedly ({0}) and restarted at the last branch point")]
    Died(String),
    /// The engine was lost and starting it again failed too; the next call tries again.
    #[error("the engine stopped ({lost}) and could not be restarted: {restart}")]
    Lost { lost: String, restart: String },
    #[error("cannot start the engine: {0}")]
    Boot(String),
    #[error("the engine answered something unexpected: {0}")]
    Protocol(String),
    #[error("there is no branch called {0:?}")]
    UnknownBranch(String),
    /// A statement that changes the whole server (a role, a database, a tablespace, its settings) was not sent;
    /// the text is [`cluster::Found::sentence`].
    #[error("{0}")]
    Refused(String),
}

impl EngineError {
    /// The Postgres error, when that is what this is.
    pub fn postgres(&self) -> Option<&PgError> {
        match self {
            EngineError::Postgres(error) => Some(error),
            _ => None,
        }
    }

    /// True when the engine is gone and has to be started again at the last branch point.
    pub fn lost_engine(&self) -> bool {
        matches!(self, EngineError::Timeout { .. } | EngineError::Died(_))
    }

    /// What happened, without the claim that the engine came back: for [`EngineError::Lost`].
    fn what_was_lost(&self) -> String {
        match self {
            EngineError::Timeout { statement, ms } => {
                format!("{statement} was still running after {ms} ms")
            }
            EngineError::Died(reason) => reason.clone(),
            other => other.to_string(),
        }
    }
}

/// How long one statement may run, on either engine, as in the browser.
pub const STATEMENT_LIMIT_MS: u64 = 5000;

/// Opens PGlite under Node, or a scratch database on the PostgreSQL server at `database_url`.
pub fn open(database_url: Option<&DatabaseUrl>) -> Result<Box<dyn Engine>, EngineError> {
    Ok(match database_url {
        Some(url) => Box::new(session::Session::new(server::Server::connect(url)?)),
        None => {
            Box::new(session::Session::new(node::NodeHost::spawn(&node::HostConfig::default())?))
        }
    })
}
