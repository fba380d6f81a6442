//! miglab's pure core: everything that understands migrations, lessons and answers.
//!
//! This crate has no wasm, no IO and no async.
//! A learner's broken input is returned as [`diagnostic::Diagnostic`] values, never as a panic,
//! because in the browser a panic kills the page.

pub mod alembic;
pub mod analysis;
pub mod diagnostic;
pub mod downgrade;
pub mod engine;
#[cfg(test)]
mod fixture_files;
pub mod grade;
pub mod lesson;
pub mod locks;
pub mod migration;
pub mod pg_type;
pub mod rules;
pub mod schema;
pub mod service;
pub mod simulate;
pub mod sqlfile;
