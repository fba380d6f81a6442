//! The analyzer's protocol: the work that needs a parser, as one serde [`Request`]/[`Reply`] pair.
//!
//! Reading SQL and Python means two parsers (sqlparser and ruff's), and they are most of the analysis's code size.
//! The browser app links only this model crate, so it sends a [`Request`] as JSON to the analyzer module
//! (`miglab_analysis::service::answer_json`) and reads back a [`Reply`].
//! The lessons themselves are loaded at build time instead, into `course.json`.
//! Everything that crosses is serde data of this crate, so the protocol adds no types beyond these and [`GradeItem`].

mod lesson_check;

pub use lesson_check::{CheckLesson, CheckReport, CheckRequest, CheckStep, CheckedDiagnostic};

use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
use crate::grade::{Answer, AnswerKey, Graded};
use crate::migration::{Migration, Step};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

/// One piece of work for the analyzer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Request {
    /// An Alembic revision file, translated as `alembic upgrade --sql` would print it.
    Alembic { text: String },
    /// SQL split into statements the way every engine runs them (`;` in strings, `$$` bodies and comments never
    /// split), with the spans of each: a console line, an experiment, a value query.
    Split { sql: String },
    /// The safety rules over steps, with the schema the steps would run on.
    Rules { steps: Vec<Step>, schema: Option<Schema> },
    /// Answers graded, in order, with types spelled as Postgres prints them.
    Grade { items: Vec<GradeItem> },
}

/// One answer to grade, with the engine's schemas when the question is about one: where the
/// learner's answer started (`start`, so the answer is scored on its change) and what the engine ended with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeItem {
    pub key: AnswerKey,
    pub answer: Answer,
    #[serde(default)]
    pub start: Option<Schema>,
    pub actual: Option<Schema>,
}

/// What the analyzer found; each variant answers the request of the same name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    Alembic {
        migration: Migration,
        diagnostics: Vec<Diagnostic>,
    },
    Split {
        steps: Vec<Step>,
        diagnostics: Vec<Diagnostic>,
    },
    Rules {
        findings: Vec<Finding>,
    },
    Grade {
        graded: Vec<Graded>,
    },
    /// The request itself could not be read: a mismatch between the app and the analyzer it fetched.
    Refused {
        message: String,
    },
}
