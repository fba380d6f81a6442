//! Locks: the model's lock modes, conflict table and trace (re-exported), and the lock each modelled change takes as
//! the PostgreSQL manual documents it, which needs the statement analysis.

pub mod documented;

pub use documented::{document, documented, documented_sql, trace_steps};
pub use miglab_model::locks::*;
