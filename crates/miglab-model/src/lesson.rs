//! The lesson format's types: a lesson's manifest, its questions and experiments, its migration chain, the course,
//! and `course.json`, the bundle the browser reads.
//!
//! Reading them from files (TOML, Alembic, SQL) and checking them is the analysis crate's `lesson` module;
//! the app only ever deserializes the bundle it built.

mod bundle;
pub mod checks;
mod command;
mod course;
mod file_diagnostic;
mod lesson_migration;
mod loaded;
mod model;
pub mod pack;
mod plan;
mod question;

pub use bundle::{BundledLesson, CourseBundle};
pub use command::{RunCommand, Target};
pub use course::Course;
pub use file_diagnostic::FileDiagnostic;
pub use lesson_migration::{LessonMigration, MigrationSource};
pub use loaded::Lesson;
pub use model::{
    AiPrompt, Approval, BriefFields, Checks, Database, Draft, DraftCheck, Flaw, Investigate,
    LessonManifest, Make, MigrationRef, Modify, Predict, Prompt, Refuse, Run, Scale,
};
pub use plan::{Application, Plan};
pub use question::{
    split_last_query, transaction_plan, Choice, Evidence, ExpectedError, Experiment, Item,
    LockQueue, Outcome, Question, ValueCheck,
};

/// The only lesson format version this build reads; `format = 1` in every lesson and course file.
pub const FORMAT: u32 = 1;

/// The name of the manifest inside each lesson folder.
pub const MANIFEST: &str = "lesson.toml";

/// The name of the course file at the root of the lessons folder.
pub const COURSE: &str = "course.toml";
