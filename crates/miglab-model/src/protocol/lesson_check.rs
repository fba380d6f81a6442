//! The in-page `miglab check`: what the app sends the analyzer to check a lesson on its engine, and each step back.
//!
//! The check is the analysis crate's, written against a synchronous engine; the analyzer replays it
//! (`crate::engine::replay`) and hands out one engine [`Call`] at a time, which the app performs on PGlite and answers.

use crate::engine::call::{Answer, Call};
use crate::lesson::Lesson;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The lesson to check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum CheckLesson {
    /// A lesson folder's files by their path in the lessons folder (`confidence_score/lesson.toml`, and the seed
    /// where the manifest names it, such as `datasets/reconciler.sql`), loaded as `miglab check` loads them, so every
    /// diagnostic has its `file:line:col`.
    Folder { id: String, files: BTreeMap<String, String> },
    /// A lesson already loaded (from a pack or `course.json`), which carries no TOML text: diagnostics name the
    /// manifest and the field only.
    Loaded { lesson: Box<Lesson> },
}

/// A request to the analyzer's check: start a check, or answer the call it asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum CheckRequest {
    /// Starts checking a lesson, forgetting any check in progress.
    Start { lesson: CheckLesson },
    /// The engine's answer to the call the last step asked for.
    Answer { answer: Answer },
}

/// Where the check stands after a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CheckStep {
    /// Perform this call on the engine and send back its answer.
    Need {
        call: Call,
    },
    Done {
        report: CheckReport,
    },
    /// The check could not go on: the request made no sense here, or the check did not repeat itself.
    Failed {
        message: String,
    },
}

/// What the check found, as `miglab check` prints it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The lesson's id.
    pub id: String,
    pub diagnostics: Vec<CheckedDiagnostic>,
    /// Checks that could not run here, with the reason (`skipped:` lines in the CLI).
    pub skipped: Vec<String>,
    /// How many engine calls the check made.
    pub calls: usize,
}

impl CheckReport {
    /// True when no diagnostic is an error: the lesson passes, as `miglab check` prints `ok`.
    pub fn passed(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.error)
    }
}

/// One diagnostic of the check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckedDiagnostic {
    /// The manifest field it is about (`predict.questions[1].key`), when it is about one.
    #[serde(default)]
    pub field: Option<String>,
    pub code: String,
    pub error: bool,
    /// The message alone, a full sentence.
    pub message: String,
    /// `file:line:col: field `…`: message` and the help, as `miglab check` prints it.
    pub rendered: String,
}
