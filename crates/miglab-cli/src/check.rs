//! `miglab check`'s machinery: load a lessons folder, run every lesson against the engine, report.

pub mod load_dir;
