//! Batches: several statements in one message to the worker, which runs them in order and stops at the first error.
//!
//! A message between the page and the worker costs 0.2–1 ms in Chromium, more than most statements a run sends,
//! so a run, a guarded console statement and an introspection each go as one message where they can.
//! The worker sends each statement alone (its own simple-protocol query), so one that must run outside a transaction
//! still can; what to send, and what a failure means, is decided here and in `miglab_model::engine`.

use crate::error::{from_js, EngineError};
use wasm_bindgen::{JsCast, JsValue};

/// What the worker answered: one result per statement that succeeded, then the failure that stopped it, if any.
#[derive(Debug)]
pub(crate) struct Reply {
    pub results: Vec<JsValue>,
    /// The index of the failing statement and what Postgres said; the statements after it were not sent.
    pub failed: Option<(usize, EngineError)>,
}

impl Reply {
    /// Reads the worker's `{ results, failed: { index, error } | null }`.
    pub fn read(value: &JsValue) -> Result<Reply, EngineError> {
        let get = |object: &JsValue, key: &str| {
            js_sys::Reflect::get(object, &JsValue::from_str(key)).map_err(from_js)
        };
        let results = get(value, "results")?
            .dyn_into::<js_sys::Array>()
            .map_err(|_| EngineError::Protocol("a batch answer without results".to_owned()))?;
        let failed = get(value, "failed")?;
        let failed = match failed.is_null() || failed.is_undefined() {
            true => None,
            false => {
                let index = get(&failed, "index")?.as_f64().ok_or_else(|| {
                    EngineError::Protocol("a batch failure without its index".to_owned())
                })?;
                Some((index as usize, from_js(get(&failed, "error")?)))
            }
        };
        Ok(Reply { results: results.iter().collect(), failed })
    }

    /// The answer to the statements from `start` on, indexed from there, as if they had been a batch of their own.
    pub fn tail(self, start: usize) -> Reply {
        let results = self.results.into_iter().skip(start).collect();
        let failed = self
            .failed
            .filter(|(index, _)| *index >= start)
            .map(|(index, error)| (index - start, error));
        Reply { results, failed }
    }
}
