//! `miglab check`'s machinery: load a lessons folder, run every lesson against the engine, report.

pub mod compare;
pub mod drafts;
pub mod gate;
pub mod guard;
pub mod lab;
pub mod lesson_run;
pub mod load_dir;
pub mod lock_queue;
pub mod refuse_cluster;
pub mod safety;
pub mod static_sim;
