//! The bridge's failures, each with a message a learner can read on screen.

use miglab_model::engine::PgError;
use serde::Deserialize;
use wasm_bindgen::JsValue;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Postgres refused the SQL; SQLSTATE, message, detail, hint and position are kept.
    #[error("{0}")]
    Postgres(PgError),
    #[error("The statement was still running after {ms} ms, so it was stopped. PGlite cannot cancel a statement, so the database restarted at the last branch point.")]
    Timeout { ms: u32 },
    #[error("The database engine stopped ({0}). It restarted at the last branch point.")]
    WorkerDied(String),
    #[error("The database engine could not start: {0}.")]
    Boot(String),
    #[error("The database engine answered something unexpected: {0}.")]
    Protocol(String),
    #[error("There is no branch called {0:?}.")]
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

    pub(crate) fn is_sqlstate(&self, sqlstate: &str) -> bool {
        self.postgres().is_some_and(|pg| pg.sqlstate == sqlstate)
    }

    /// True when the worker is gone and the database has to be booted again.
    pub(crate) fn lost_worker(&self) -> bool {
        matches!(self, EngineError::Timeout { .. } | EngineError::WorkerDied(_))
    }
}

/// The error object `worker.js` and `bridge.js` reject with.
#[derive(Deserialize)]
struct Shaped {
    kind: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    sqlstate: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    hint: Option<String>,
    #[serde(default)]
    position: Option<u32>,
    #[serde(default)]
    ms: Option<u32>,
}

/// The one place a JS rejection becomes a typed error.
pub(crate) fn from_js(value: JsValue) -> EngineError {
    let json = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default();
    let Ok(shaped) = serde_json::from_str::<Shaped>(&json) else {
        let text = js_sys::Error::from(value).message().as_string().unwrap_or(json);
        return EngineError::Protocol(text);
    };
    let message = shaped.message.unwrap_or_default();
    match shaped.kind.as_str() {
        "postgres" => EngineError::Postgres(PgError {
            sqlstate: shaped.sqlstate.unwrap_or_default(),
            message,
            detail: shaped.detail,
            hint: shaped.hint,
            position: shaped.position,
            at: None,
        }),
        "timeout" => EngineError::Timeout { ms: shaped.ms.unwrap_or_default() },
        "died" => EngineError::WorkerDied(message),
        "boot" => EngineError::Boot(message),
        _ => EngineError::Protocol(message),
    }
}
