//! The analyzer: `miglab_analysis::service` exported to JavaScript, and the in-page `miglab check`.
//!
//! The app's own wasm stays small because it never links the analysis crate's parsers; it sends each
//! request here as JSON (`crates/miglab-app/src/services/analyzer_link.rs`). Built by `cargo xtask analyzer`
//! (a Trunk pre-build hook) into `web/analyzer/dist`, which the site serves under `analyzer/`.

use miglab_analysis::check::stepper::{self, Stepper};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    /// The lesson check in progress: its loaded lesson and the engine's answers so far, kept between steps so the
    /// page sends each answer once and the lesson is read once.
    static CHECK: RefCell<Option<Stepper>> = const { RefCell::new(None) };
}

/// One `miglab_analysis::service::Request` as JSON in, its `Reply` as JSON out.
#[wasm_bindgen]
pub fn analyze(request: &str) -> String {
    miglab_analysis::service::answer_json(request)
}

/// One step of a lesson check: a `CheckRequest` as JSON in (start a lesson, or the engine's answer to the last call),
/// a `CheckStep` as JSON out (the next engine call, or the report).
#[wasm_bindgen]
pub fn check(request: &str) -> String {
    CHECK.with(|state| stepper::answer_json(&mut state.borrow_mut(), request))
}
