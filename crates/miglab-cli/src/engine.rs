//! Engines the CLI runs lessons on: PGlite under Node by default, or a PostgreSQL server with `--database-url`.
//!
//! Both are synchronous and share [`session::Session`], which keeps the branch transaction, guards each statement
//! with a savepoint and runs plans through the core's runner, so a lesson behaves here exactly as in the browser.

mod node;
mod server;
mod session;

pub use miglab_core::engine::{PgError, QueryResult, RunReport};
use miglab_core::engine::plan::RunPlan;
use miglab_core::schema::Schema;

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
    #[error("the statement was stopped after {ms} ms; the engine has to be restarted")]
    Timeout { ms: u64 },
    #[error("the engine stopped unexpectedly: {0}")]
    Died(String),
    #[error("cannot start the engine: {0}")]
    Boot(String),
    #[error("the engine answered something unexpected: {0}")]
    Protocol(String),
    #[error("there is no branch called {0:?}")]
    UnknownBranch(String),
}

impl EngineError {
    /// The Postgres error, when that is what this is.
    pub fn postgres(&self) -> Option<&PgError> {
        match self {
            EngineError::Postgres(error) => Some(error),
            _ => None,
        }
    }
}

/// Opens PGlite under Node, or a scratch database on the PostgreSQL server at `database_url`.
pub fn open(database_url: Option<&str>) -> Result<Box<dyn Engine>, EngineError> {
    Ok(match database_url {
        Some(url) => Box::new(session::Session::new(server::Server::connect(url)?)),
        None => Box::new(session::Session::new(node::NodeHost::spawn(&node::HostConfig::default())?)),
    })
}
