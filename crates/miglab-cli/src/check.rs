//! `miglab check`'s machinery around the analysis crate's lesson checks: load a lessons folder, open an engine for each
//! lesson, refuse what would change a server, prove lock queues on a server, report.

#[cfg(test)]
mod drafts_tests;
pub mod lesson_run;
pub mod load_dir;
pub mod lock_queue;
pub mod refuse_cluster;
