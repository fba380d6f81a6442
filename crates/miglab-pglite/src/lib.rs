//! The PGlite bridge: the only Rust code that talks to PGlite.
//!
//! PGlite runs in a module Web Worker (`web/engine/worker.js`) so a long statement never freezes the page;
//! `js/bridge.js` starts it and carries messages, and everything else lives here in Rust or in `miglab_model::engine`:
//! branch points, Alembic's transaction rules, error positions, recovery from a runaway statement.

mod batch;
mod config;
mod engine;
mod error;
mod gate;
mod host;
mod introspection;

pub use config::EngineConfig;
pub use engine::{Engine, EngineStatus};
pub use error::EngineError;
pub use miglab_model::engine::{PgError, QueryResult, RunFailure, RunReport};

/// Milliseconds since the page started loading (`performance.now()`), for timings the app shows and the bench reads.
pub fn now_ms() -> f64 {
    host::now()
}
