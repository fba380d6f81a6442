//! Engines the CLI runs lessons on: PGlite under Node by default, or a PostgreSQL server with `--database-url`.
//!
//! Both are synchronous transports driving the core's engine session (through [`session::Driver`]), which keeps the
//! branch transaction, guards each statement with a savepoint, runs plans through the core's runner, restarts a lost
//! engine at its branch point and sets lessons up, exactly as the browser's bridge does.

pub mod cluster;
mod database_url;
mod node;
pub(crate) mod scratch;
mod server;
mod session;

pub use database_url::DatabaseUrl;

use miglab_analysis::engine::plan::RunPlan;
use miglab_analysis::engine::session::{LessonSetup, Prepared};
pub use miglab_analysis::engine::{EngineError, PgError, QueryResult, RunReport};
use miglab_analysis::schema::Schema;

/// A database a lesson runs on.
pub trait Engine {
    /// Runs a script of one or more statements.
    fn exec(&mut self, sql: &str) -> Result<(), EngineError>;
    /// [`Engine::exec`] under the script limit: SQL that does far more than one statement's work by design (a seed,
    /// a lesson's `run.scale`).
    fn exec_script(&mut self, sql: &str) -> Result<(), EngineError>;
    /// Runs a statement (or a script) and returns the rows of the last one.
    fn query(&mut self, sql: &str) -> Result<QueryResult, EngineError>;
    /// Reads every table, index, constraint, enum and the `alembic_version` rows.
    fn introspect(&mut self) -> Result<Schema, EngineError>;
    /// Runs migrations as Alembic does; a failing step is reported in the `RunReport`, not as an `Err`.
    fn run(&mut self, plan: &RunPlan) -> Result<RunReport, EngineError>;
    /// Makes a restore point called `name` of the current database.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "`check` branches through `setup`; the engines' tests branch directly"
        )
    )]
    fn branch(&mut self, name: &str) -> Result<(), EngineError>;
    /// Returns the database to the restore point `name`.
    fn reset(&mut self, name: &str) -> Result<(), EngineError>;
    /// Sets a lesson up as the browser does: the untouched database, the seed, the lesson's branch, its schema.
    fn setup(&mut self, setup: &LessonSetup) -> Result<Prepared, EngineError>;
}

/// How long one statement may run, on either engine, as in the browser.
pub const STATEMENT_LIMIT_MS: u64 = 5000;

/// Opens PGlite under Node, or a scratch database on the PostgreSQL server at `database_url`.
pub fn open(database_url: Option<&DatabaseUrl>) -> Result<Box<dyn Engine>, EngineError> {
    Ok(match database_url {
        Some(url) => Box::new(session::Driver::new(server::Server::connect(url)?)),
        None => {
            Box::new(session::Driver::new(node::NodeHost::spawn(&node::HostConfig::default())?))
        }
    })
}
