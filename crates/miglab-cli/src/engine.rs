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

pub use miglab_analysis::engine::{Engine, EngineError, PgError, QueryResult, RunReport};

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
