//! The one place a JS rejection becomes the core's [`EngineError`], whose messages a learner can read on screen.

pub use miglab_model::engine::EngineError;
use miglab_model::engine::PgError;
use serde::Deserialize;
use wasm_bindgen::JsValue;

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
        "timeout" => {
            EngineError::Timeout { statement: None, ms: shaped.ms.unwrap_or_default().into() }
        }
        "died" => EngineError::WorkerDied(message),
        "boot" => EngineError::Boot(message),
        _ => EngineError::Protocol(message),
    }
}
