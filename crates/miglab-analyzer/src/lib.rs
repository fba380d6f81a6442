//! The analyzer: `miglab_analysis::service` exported to JavaScript as one function.
//!
//! The app's own wasm stays small because it never links the analysis crate's parsers; it sends each
//! request here as JSON (`crates/miglab-app/src/services/analyzer_link.rs`). Built by `cargo xtask analyzer`
//! (a Trunk pre-build hook) into `web/analyzer/dist`, which the site serves under `analyzer/`.

use wasm_bindgen::prelude::wasm_bindgen;

/// One `miglab_analysis::service::Request` as JSON in, its `Reply` as JSON out.
#[wasm_bindgen]
pub fn analyze(request: &str) -> String {
    miglab_analysis::service::answer_json(request)
}
