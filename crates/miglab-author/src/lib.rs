//! The author module: the author view's requests and the in-page `miglab check`, exported to JavaScript.
//!
//! Lesson loading (the TOML reader and every lesson check) and the engine checks are as large as the parsers, and a
//! learner needs neither: the analyzer (`crates/miglab-analyzer`) answers the lessons' requests and every visit
//! downloads it, while this module is fetched by the author view and by a pack lesson's first opening only.
//! Built with the analyzer by `cargo xtask analyzer` into `web/analyzer/dist`, served under `analyzer/`.

use miglab_analysis::check::stepper::{self, Stepper};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    /// The lesson check in progress: its loaded lesson and the engine's answers so far, kept between steps so the
    /// page sends each answer once and the lesson is read once.
    static CHECK: RefCell<Option<Stepper>> = const { RefCell::new(None) };
}

/// One author view's `miglab_analysis::service::Request` as JSON in, its `Reply` as JSON out.
#[wasm_bindgen]
pub fn analyze(request: &str) -> String {
    miglab_analysis::service::author::answer_json(request)
}

/// One step of a lesson check: a `CheckRequest` as JSON in (start a lesson, or the engine's answer to the last call),
/// a `CheckStep` as JSON out (the next engine call, or the report).
#[wasm_bindgen]
pub fn check(request: &str) -> String {
    CHECK.with(|state| stepper::answer_json(&mut state.borrow_mut(), request))
}
