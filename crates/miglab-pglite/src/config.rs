//! Where the engine's pieces are served from, and its time limit.

/// URLs are relative to the page (or file paths under Node, for the tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// The engine host script, `web/engine/worker.js` as served.
    pub worker_url: String,
    /// PGlite's ES module (`…/@electric-sql/pglite/dist/index.js` as served); the worker imports it by URL.
    pub pglite_url: String,
    /// The prebuilt data directory (`pgdata.tar.gz`); `None` runs initdb, about 3 s slower.
    pub data_dir_url: Option<String>,
    /// A statement still running after this long is stopped by terminating the worker.
    pub statement_timeout_ms: u32,
    /// The same for a branch dump and a whole script ([`Engine::exec_script`](crate::Engine::exec_script), a lesson's
    /// seed), which do far more than one statement; `miglab check` gives them the same 60 s.
    pub script_timeout_ms: u32,
}

impl Default for EngineConfig {
    /// The layout `index.html` serves.
    fn default() -> Self {
        EngineConfig {
            worker_url: "engine/worker.js".to_owned(),
            pglite_url: "pglite/index.js".to_owned(),
            data_dir_url: Some("engine/dist/pgdata.tar.gz".to_owned()),
            statement_timeout_ms: 5000,
            script_timeout_ms: 60_000,
        }
    }
}
