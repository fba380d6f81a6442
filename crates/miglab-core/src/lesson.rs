//! The lesson format: versioned TOML lesson folders parsed into a checked lesson model.
//!
//! Loading is pure and two-phase, so a caller can read files between the phases:
//! [`parse_course`] reads `lessons/course.toml`; [`parse_manifest`] reads one `lesson.toml` and lists
//! the files it references; [`load`] takes those files' text and returns the checked [`Lesson`].
//! The browser loads no lesson itself: [`bundle`] runs both phases over the course at build time into `course.json`.
//! Every mistake is a [`FileDiagnostic`] naming the file, line and field, never a panic,
//! so one broken lesson is shown as unavailable while the rest of the course still works.

mod bundle;
mod command;
mod course;
mod file_diagnostic;
mod folder;
mod header;
mod lesson_migration;
mod load;
mod manifest;
mod model;
mod plan;
mod question;
mod scaffold;
mod spans;
mod translate;
mod validate;

pub use bundle::{bundle, BundledLesson, CourseBundle};
pub use command::{RunCommand, Target};
pub use course::{parse_course, Course};
pub use file_diagnostic::FileDiagnostic;
pub use folder::{load_folder, LessonFolder};
pub use header::is_valid_id;
pub use lesson_migration::{LessonMigration, MigrationSource};
pub use load::{load, Lesson};
pub use manifest::parse_manifest;
pub use model::{
    Approval, Checks, Database, Investigate, LessonManifest, Make, MigrationRef, Modify, Predict,
    Prompt, Refuse, Run,
};
pub use plan::{Application, Plan};
pub use question::{
    setup_and_query, Choice, Evidence, ExpectedError, Experiment, Item, Outcome, Question,
    ValueCheck,
};
pub use scaffold::scaffold;
pub use spans::Located;
pub use validate::{check_catalog, questions};

/// The only lesson format version this build reads; `format = 1` in every lesson and course file.
pub const FORMAT: u32 = 1;

/// The name of the manifest inside each lesson folder.
pub const MANIFEST: &str = "lesson.toml";

/// The name of the course file at the root of the lessons folder.
pub const COURSE: &str = "course.toml";
