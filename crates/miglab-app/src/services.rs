//! Effects behind small typed calls: the engine, the analyzer module, storage, downloads and the editor bundle.

pub mod analyzer_link;
pub mod author_check;
pub mod author_draft;
pub mod consequences;
pub mod course_loader;
pub mod download;
pub mod editor;
pub mod engine_boot;
pub mod engine_link;
pub mod grader;
pub mod lab;
pub mod lesson_check;
pub mod lesson_files;
pub mod lesson_flows;
pub mod lesson_session;
pub mod pack_loader;
pub mod page_lab;
pub mod sandbox;
pub mod share_link;
pub mod sql_console;
pub mod storage;
pub mod student_migration;
