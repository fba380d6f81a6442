//! A lesson with every file read and every migration translated: what `course.json` carries and the engine replays.

use super::lesson_migration::LessonMigration;
use super::model::LessonManifest;
use serde::{Deserialize, Serialize};

/// A lesson with every file read and every migration translated; usable by the app and the checker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub manifest: LessonManifest,
    /// The seed SQL: schema plus rows.
    pub seed: String,
    /// The migration chain, oldest first.
    pub chain: Vec<LessonMigration>,
    pub modify: LessonMigration,
    pub make: LessonMigration,
    pub refuse: Option<LessonMigration>,
    /// The Modify stage's drafts, in the order of `manifest.modify.drafts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modify_drafts: Vec<LessonMigration>,
    /// The Make stage's drafts, in the order of `manifest.make.drafts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub make_drafts: Vec<LessonMigration>,
}
