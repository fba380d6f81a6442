//! The lesson as the screens see it: plain data the components render, independent of the file format.
//!
//! `adapt.rs` builds it from the core's lesson; nothing else in the app reads lesson files,
//! so a change in the lesson format touches one file.

use miglab_core::grade::AnswerKey;
use miglab_core::migration::Direction;
use miglab_core::schema::Schema;
use serde::{Deserialize, Serialize};

/// The five PRIMM stages in course order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Predict,
    Run,
    Investigate,
    Modify,
    Make,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Predict, Stage::Run, Stage::Investigate, Stage::Modify, Stage::Make];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Predict => "Predict",
            Stage::Run => "Run",
            Stage::Investigate => "Investigate",
            Stage::Modify => "Modify",
            Stage::Make => "Make",
        }
    }

    pub fn next(self) -> Option<Stage> {
        Stage::ALL.iter().copied().find(|s| *s > self)
    }
}

/// One course entry: either a loaded lesson or the reason it could not load.
#[derive(Clone, Debug, PartialEq)]
pub enum CourseEntry {
    Ready(LessonView),
    Unavailable { id: String, title: String, message: String },
}

impl CourseEntry {
    pub fn id(&self) -> &str {
        match self {
            CourseEntry::Ready(lesson) => &lesson.id,
            CourseEntry::Unavailable { id, .. } => id,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub prerequisites: Vec<String>,
    /// Markdown shown above every stage.
    pub intro: String,
    /// SQL that builds the "production" database the story runs against.
    pub seed_sql: String,
    /// The migration chain the lesson reads, oldest first; the last one is the one being studied.
    pub chain: Vec<MigrationFile>,
    pub predict: StageText<Question>,
    pub investigate: Investigate,
    pub modify: Practice,
    pub make: Make,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageText<T> {
    pub narrative: String,
    pub items: Vec<T>,
}

impl<T> Default for StageText<T> {
    fn default() -> StageText<T> {
        StageText { narrative: String::new(), items: Vec::new() }
    }
}

/// A migration file as the student reads it, with the DDL underneath from the core translator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MigrationFile {
    pub path: String,
    pub source: String,
    /// `python` or `sql`, for highlighting.
    pub language: String,
    pub revision: String,
    pub down_revision: Option<String>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub kind: QuestionKind,
    /// The core grader's key; the screen never shows it before the answer is locked.
    pub key: AnswerKey,
    /// The lesson asks for this answer without AI help.
    pub ai_free: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QuestionKind {
    /// The schema after `upgrade()` or `downgrade()`, graded against what the engine introspects.
    /// The editor starts from `start`, the schema before.
    Schema { after: Direction, start: Schema },
    /// A value an existing row holds, typed as psql prints it (`NULL` for null).
    Value,
    /// Options as `(id, text)`.
    Choice { options: Vec<(String, String)>, multiple: bool },
    /// Items as `(id, text)`, in the order the screen first shows them.
    Order { items: Vec<(String, String)> },
    /// Self-assessed against a model answer shown once the answer is locked.
    FreeText,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Investigate {
    pub narrative: String,
    /// Self-explanation prompts, answered in the student's own words before anything else.
    pub prompts: Vec<String>,
    pub questions: Vec<Question>,
    pub experiments: Vec<Experiment>,
}

/// A "try it" experiment: SQL run on a branch and its stated real outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub id: String,
    pub title: String,
    pub sql: String,
    /// `None` when the statement should succeed.
    pub expect_sqlstate: Option<String>,
    pub explanation: String,
}

/// A Modify or Make exercise: the student edits a migration and the checks run on a branch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Practice {
    pub narrative: String,
    pub questions: Vec<Question>,
    pub starter: String,
    pub language: String,
    pub checks: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Make {
    pub practice: Practice,
    pub brief: String,
    /// The words the written approval must contain, e.g. the objects created and dropped.
    pub approval_terms: Vec<String>,
    pub approval_template: String,
    /// A destructive migration the student must refuse or guard.
    pub refuse: Option<MigrationFile>,
}

impl LessonView {
    /// The migration under study.
    pub fn migration(&self) -> Option<&MigrationFile> {
        self.chain.last()
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.predict.items.iter().chain(&self.investigate.questions).chain(&self.modify.questions)
    }
}
