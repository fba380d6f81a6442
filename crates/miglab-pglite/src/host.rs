//! Bindings to `js/bridge.js`, and the typed call every engine operation goes through.

use crate::error::{from_js, EngineError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    pub(crate) type Host;

    #[wasm_bindgen(constructor)]
    pub(crate) fn new(worker_url: &str) -> Host;

    #[wasm_bindgen(method)]
    fn start(this: &Host) -> js_sys::Promise;

    #[wasm_bindgen(method)]
    fn call(this: &Host, request: &JsValue, timeout_ms: u32) -> js_sys::Promise;

    #[wasm_bindgen(method)]
    pub(crate) fn stop(this: &Host);

    #[wasm_bindgen(method, js_name = adopt)]
    fn adopt_js(
        this: &Host,
        pglite_url: &str,
        data_dir_url: Option<String>,
        timeout_ms: u32,
    ) -> js_sys::Promise;

    #[wasm_bindgen(js_name = absolute)]
    pub(crate) fn absolute(url: &str) -> String;

    /// Milliseconds from `performance.now()`.
    #[wasm_bindgen(js_name = now)]
    pub(crate) fn now() -> f64;
}

impl Host {
    pub(crate) async fn restart(&self) -> Result<(), EngineError> {
        JsFuture::from(self.start())
            .await
            .map(drop)
            .map_err(|e| EngineError::Boot(from_js(e).to_string()))
    }

    /// Takes over the worker `index.html` started early, once its boot is done; false when there is none to take,
    /// or when its boot failed or is not done after `timeout_ms` (the caller then boots a worker of its own).
    pub(crate) async fn adopt(
        &self,
        pglite_url: &str,
        data_dir_url: Option<&str>,
        timeout_ms: u32,
    ) -> Result<bool, EngineError> {
        let adopted =
            JsFuture::from(self.adopt_js(pglite_url, data_dir_url.map(str::to_owned), timeout_ms))
                .await
                .map_err(from_js)?;
        Ok(adopted.as_bool().unwrap_or(false))
    }

    /// Sends `request` (plus `data`, a dump Blob, when given) and returns the answer's value.
    pub(crate) async fn send(
        &self,
        request: &serde_json::Value,
        data: Option<&JsValue>,
        timeout_ms: u32,
    ) -> Result<JsValue, EngineError> {
        let message = js_sys::JSON::parse(&request.to_string()).map_err(from_js)?;
        if let Some(data) = data {
            js_sys::Reflect::set(&message, &"data".into(), data).map_err(from_js)?;
        }
        JsFuture::from(self.call(&message, timeout_ms)).await.map_err(from_js)
    }
}
