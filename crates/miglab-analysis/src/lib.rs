//! miglab's analysis: everything that reads SQL, Python or TOML, over the model crate's types.
//!
//! Alembic translation, SQL statement analysis (sqlparser), the schema simulation, the safety rules, the documented
//! lock levels, lesson loading and the analyzer service the browser reaches through a second wasm module.
//! Like the model, this crate has no wasm, no IO and no async, and a learner's broken input is a
//! [`diagnostic::Diagnostic`], never a panic.
//!
//! The model's modules are re-exported under their own names, so `miglab_analysis::schema::Schema` is the same type
//! as `miglab_model::schema::Schema`.

pub mod alembic;
pub mod analysis;
pub mod check;
pub mod downgrade;
#[cfg(test)]
mod fixture_files;
pub mod grading;
pub mod lesson;
pub mod locks;
pub mod pg_type;
pub mod rules;
pub mod service;
pub mod simulate;
pub mod sqlfile;

pub use miglab_model::{diagnostic, engine, finding, grade, migration, protocol, schema, sql_text};
