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
use crate::lesson::{FileDiagnostic, Lesson};
use crate::migration::{Migration, Step};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// The author view's files, keyed by their path inside a lessons folder (`my_lesson/lesson.toml`, …): every
    /// lesson folder among them loaded as `miglab check` loads it, with each diagnostic at its file:line:col.
    Lessons { files: BTreeMap<String, String> },
    /// `miglab new ID`'s files, keyed as in [`Request::Lessons`].
    Scaffold { id: String },
    /// The files as a lesson pack, written as `miglab pack` writes it; a `course.toml` is made when there is none.
    Pack { id: String, files: BTreeMap<String, String> },
    /// A lesson pack's lessons back as files, keyed as in [`Request::Lessons`].
    Unpack { text: String },
}

/// Which wasm module answers a request.
///
/// The lessons' work (translating, splitting, the rules, grading) is the analyzer's, which every visit downloads and
/// keeps offline; loading, scaffolding and packing lessons, and the in-page check, are the author module's, which
/// only the author view and a pack lesson's first opening fetch, so a learner's first visit does not carry them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Analyzer,
    Author,
}

impl Module {
    /// The module's JavaScript file under `analyzer/`, as wasm-bindgen names it; its wasm is `<name>_bg.wasm`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Analyzer => "miglab_analyzer",
            Self::Author => "miglab_author",
        }
    }
}

impl Request {
    /// The module that answers this request.
    pub fn module(&self) -> Module {
        match self {
            Self::Alembic { .. } | Self::Split { .. } | Self::Rules { .. } | Self::Grade { .. } => {
                Module::Analyzer
            }
            Self::Lessons { .. }
            | Self::Scaffold { .. }
            | Self::Pack { .. }
            | Self::Unpack { .. } => Module::Author,
        }
    }

    /// The request's name as it travels (`ask`), for a message about it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Alembic { .. } => "alembic",
            Self::Split { .. } => "split",
            Self::Rules { .. } => "rules",
            Self::Grade { .. } => "grade",
            Self::Lessons { .. } => "lessons",
            Self::Scaffold { .. } => "scaffold",
            Self::Pack { .. } => "pack",
            Self::Unpack { .. } => "unpack",
        }
    }
}

/// One lesson folder of the author view's files: its lesson when it loads, and every diagnostic, warnings included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthoredLesson {
    /// The folder, which is also the prefix of the files' paths.
    pub folder: String,
    pub lesson: Option<Box<Lesson>>,
    pub diagnostics: Vec<FileDiagnostic>,
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
    Lessons {
        lessons: Vec<AuthoredLesson>,
    },
    /// Files keyed by their path inside a lessons folder (a scaffold, an unpacked pack), and what could not be made
    /// into files, as full sentences.
    Files {
        files: BTreeMap<String, String>,
        messages: Vec<String>,
    },
    /// The pack's text when it could be written, and the lines `miglab pack` prints about it.
    Pack {
        text: Option<String>,
        messages: Vec<String>,
    },
    /// The request itself could not be read: a mismatch between the app and the analyzer it fetched.
    Refused {
        message: String,
    },
}

impl Reply {
    /// The reply's name as it travels (`reply`), for a message about an unexpected one.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Alembic { .. } => "alembic",
            Self::Split { .. } => "split",
            Self::Rules { .. } => "rules",
            Self::Grade { .. } => "grade",
            Self::Lessons { .. } => "lessons",
            Self::Files { .. } => "files",
            Self::Pack { .. } => "pack",
            Self::Refused { .. } => "refused",
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn every_request() -> Vec<Request> {
        vec![
            Request::Alembic { text: String::new() },
            Request::Split { sql: String::new() },
            Request::Rules { steps: Vec::new(), schema: None },
            Request::Grade { items: Vec::new() },
            Request::Lessons { files: BTreeMap::new() },
            Request::Scaffold { id: String::new() },
            Request::Pack { id: String::new(), files: BTreeMap::new() },
            Request::Unpack { text: String::new() },
        ]
    }

    #[test]
    fn kind_is_the_serde_tag_ok() {
        for request in every_request() {
            let json = serde_json::to_value(&request).expect("a request serializes");
            assert_eq!(json["ask"], request.kind(), "{request:?}");
        }
    }

    #[test]
    fn reply_kind_is_the_serde_tag_ok() {
        let replies = [
            Reply::Split { steps: Vec::new(), diagnostics: Vec::new() },
            Reply::Rules { findings: Vec::new() },
            Reply::Grade { graded: Vec::new() },
            Reply::Lessons { lessons: Vec::new() },
            Reply::Files { files: BTreeMap::new(), messages: Vec::new() },
            Reply::Pack { text: None, messages: Vec::new() },
            Reply::Refused { message: String::new() },
        ];
        for reply in replies {
            let json = serde_json::to_value(&reply).expect("a reply serializes");
            assert_eq!(json["reply"], reply.kind(), "{reply:?}");
        }
    }

    #[test]
    fn author_module_answers_only_the_author_view_ok() {
        let author: Vec<_> = every_request()
            .into_iter()
            .filter(|r| r.module() == Module::Author)
            .map(|r| r.kind())
            .collect();
        assert_eq!(author, ["lessons", "scaffold", "pack", "unpack"]);
    }
}
