//! Behaviour as reducers and pure functions: no engine, no analyzer, no browser, so plain `cargo test` covers it.

pub mod alembic_cli;
pub mod console_outcome;
pub mod describe;
pub mod drop_guard;
pub mod gate;
pub mod gradable;
pub mod key_check;
pub mod lesson_model;
pub mod lesson_state;
pub mod lock_timeline;
pub mod marks;
pub mod order_tries;
pub mod pack_view;
pub mod plain_text;
pub mod practice_checks;
pub mod progress;
pub mod report;
pub mod route;
pub mod run_state;
pub mod schema_diff;
pub mod schema_edit;
pub mod seen;
