//! The lesson format: versioned TOML lesson folders parsed into the model's checked lesson types (re-exported here).
//!
//! Loading is pure and two-phase, so a caller can read files between the phases:
//! [`parse_course`] reads `lessons/course.toml`; [`parse_manifest`] reads one `lesson.toml` and lists
//! the files it references; [`load`] takes those files' text and returns the checked [`Lesson`].
//! The browser loads no lesson itself: [`bundle`] runs both phases over the course at build time into `course.json`.
//! Every mistake is a [`FileDiagnostic`] naming the file, line and field, never a panic,
//! so one broken lesson is shown as unavailable while the rest of the course still works.

mod authoring;
mod bundle;
mod course;
mod file_diagnostic;
mod folder;
mod load;
mod manifest;
mod pack_course;
#[cfg(test)]
mod pack_tests;
mod scaffold;
mod spans;
mod statements;
mod translate;
mod validate;

pub use authoring::{load_files, pack_files, unpack};
pub use bundle::bundle;
pub use course::parse_course;
pub use file_diagnostic::FileDiagnostic;
pub use folder::{load_folder, LessonFolder};
pub use load::load;
pub use manifest::parse_manifest;
pub use miglab_model::lesson::checks::is_valid_id;
pub use miglab_model::lesson::*;
pub use pack_course::{pack_course, Packed};
pub use scaffold::scaffold;
pub use spans::Located;
pub use statements::{experiment_plan, setup_and_query};
pub use validate::{check_catalog, questions};
