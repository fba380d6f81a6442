//! `miglab check`'s engine checks of a lesson: every key, experiment, run, gate, the drop guard and the simulation,
//! proved on a real Postgres.
//!
//! They are written against the model's synchronous [`crate::engine::Engine`] and hold no IO: the CLI passes its
//! transports (PGlite under Node, a PostgreSQL server), and the page replays the very same code over its engine one
//! call at a time (`stepper`, through the analyzer module). Only the lock queue, which needs several server
//! connections, is the caller's ([`lesson_run::QueueProof`]).

pub mod compare;
pub mod drafts;
pub mod gate;
pub mod guard;
pub mod lab;
pub mod lesson_run;
pub mod safety;
pub mod static_sim;
pub mod stepper;
