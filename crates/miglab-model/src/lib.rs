//! miglab's model: what a migration, a schema, a lesson, an answer and an engine run are, with no parser.
//!
//! This crate has no wasm, no IO, no async and no parser: the browser app links it, so it must stay small,
//! and everything that reads SQL, Python or TOML lives in `miglab-analysis`.
//! A learner's broken input is returned as [`diagnostic::Diagnostic`] values, never as a panic,
//! because in the browser a panic kills the page.

pub mod diagnostic;
pub mod engine;
pub mod finding;
pub mod grade;
pub mod lesson;
pub mod locks;
pub mod migration;
pub mod protocol;
pub mod schema;
pub mod sql_text;
