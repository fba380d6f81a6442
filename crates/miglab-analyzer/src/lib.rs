//! The analyzer: the lessons' side of `miglab_analysis::service` exported to JavaScript.
//!
//! The app's own wasm stays small because it never links the analysis crate's parsers; it sends each
//! request here as JSON (`crates/miglab-app/src/services/analyzer_link.rs`). The author view's requests and the
//! in-page check are the author module's (`crates/miglab-author`), so every visit downloads only this one.
//! Built by `cargo xtask analyzer` (a Trunk pre-build hook) into `web/analyzer/dist`, which the site serves under
//! `analyzer/`.

use wasm_bindgen::prelude::wasm_bindgen;

/// One lesson's `miglab_analysis::service::Request` as JSON in, its `Reply` as JSON out.
#[wasm_bindgen]
pub fn analyze(request: &str) -> String {
    miglab_analysis::service::answer_json(request)
}
