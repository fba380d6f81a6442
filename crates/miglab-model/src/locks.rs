//! Locks: Postgres's table-level lock modes and conflict table as data, and the lock trace (which relation locks a
//! migration's transaction holds after each statement, and what was rewritten).
//!
//! The source for every mode and conflict is the PostgreSQL manual,
//! <https://www.postgresql.org/docs/current/explicit-locking.html> (Table 13.2).
//! The trace comes from the engine: [`tracer::Tracer`] hands out the SQL to send around each statement and folds
//! the answers, so the browser and the CLI trace alike; statements that cannot run in a transaction get their
//! documented lock (which the analysis supplies), labelled as such.

pub mod concurrent;
pub mod documented_lock;
pub mod mode;
pub mod observer;
pub mod trace;
pub mod tracer;

pub use concurrent::{Concurrent, Verdict};
pub use documented_lock::{DocumentedLock, Target};
pub use mode::LockMode;
pub use observer::Observer;
pub use trace::{HeldLock, Rewrite, Source, Trace, TraceFailure, TracedStatement};
pub use tracer::{Action, Answer, TraceStep, Tracer};
