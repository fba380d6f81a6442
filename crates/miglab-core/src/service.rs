//! The core's text-reading work as one request/reply API.
//!
//! Reading text means three parsers (sqlparser, ruff's Python parser and toml), and they are most of
//! the core's code size. The browser app therefore never links them: it sends a [`Request`] as JSON to
//! the analyzer, a second wasm module built from `crates/miglab-analyzer` and fetched beside the app,
//! and reads back a [`Reply`]. Natively (the app's tests, the CLI) [`answer`] is an ordinary call.
//!
//! Everything that crosses is already serde data of this crate, so the protocol adds no types of its
//! own beyond these two enums and [`GradeItem`].

use crate::alembic;
use crate::diagnostic::Diagnostic;
use crate::grade::{self, Answer, AnswerKey, Graded};
use crate::lesson::{self, Course, FileDiagnostic, Lesson, LessonManifest};
use crate::migration::{Migration, Step};
use crate::rules::{self, Finding, RuleContext};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One piece of work for the analyzer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Request {
    /// `lessons/course.toml`, read with [`lesson::parse_course`].
    Course { text: String },
    /// A lesson's `lesson.toml` at `path`, read with [`lesson::parse_manifest`].
    Manifest { path: String, text: String },
    /// The second phase of the lesson loader, [`lesson::load`], on the files the manifest names.
    Lesson { manifest: LessonManifest, files: BTreeMap<String, String> },
    /// An Alembic revision file, translated with [`alembic::parse`].
    Alembic { text: String },
    /// The safety rules ([`rules::check`]) over steps, with the schema the steps would run on.
    Rules { steps: Vec<Step>, schema: Option<Schema> },
    /// Answers graded with [`grade::grade`], in order.
    Grade { items: Vec<GradeItem> },
}

/// One answer to grade, with the engine's schema when the question is about one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradeItem {
    pub key: AnswerKey,
    pub answer: Answer,
    pub actual: Option<Schema>,
}

/// What the analyzer found; each variant answers the request of the same name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    Course { course: Option<Course>, diagnostics: Vec<FileDiagnostic> },
    Manifest { manifest: Option<LessonManifest>, diagnostics: Vec<FileDiagnostic> },
    Lesson { lesson: Option<Box<Lesson>>, diagnostics: Vec<FileDiagnostic> },
    Alembic { migration: Migration, diagnostics: Vec<Diagnostic> },
    Rules { findings: Vec<Finding> },
    Grade { graded: Vec<Graded> },
    /// The request itself could not be read: a mismatch between the app and the analyzer it fetched.
    Refused { message: String },
}

/// Does the work a request asks for. Never panics: every learner mistake is inside the reply.
pub fn answer(request: Request) -> Reply {
    match request {
        Request::Course { text } => {
            let (course, diagnostics) = lesson::parse_course(&text);
            Reply::Course { course, diagnostics }
        }
        Request::Manifest { path, text } => {
            let (manifest, diagnostics) = lesson::parse_manifest(&path, &text);
            Reply::Manifest { manifest, diagnostics }
        }
        Request::Lesson { manifest, files } => {
            let (lesson, diagnostics) = lesson::load(&manifest, &files);
            Reply::Lesson { lesson: lesson.map(Box::new), diagnostics }
        }
        Request::Alembic { text } => {
            let parsed = alembic::parse(&text);
            Reply::Alembic { migration: parsed.migration, diagnostics: parsed.diagnostics }
        }
        Request::Rules { steps, schema } => Reply::Rules { findings: rules::check(&steps, &RuleContext { schema: schema.as_ref() }) },
        Request::Grade { items } => Reply::Grade { graded: items.iter().map(|i| grade::grade(&i.key, &i.answer, i.actual.as_ref())).collect() },
    }
}

/// [`answer`] over JSON, as the analyzer module exports it: a request that does not parse gets
/// [`Reply::Refused`] with serde's message, so the app can say which side is out of date.
pub fn answer_json(request: &str) -> String {
    let reply = match serde_json::from_str::<Request>(request) {
        Ok(request) => answer(request),
        Err(error) => Reply::Refused { message: format!("the analyzer could not read the request: {error}") },
    };
    serde_json::to_string(&reply).unwrap_or_else(|error| format!(r#"{{"reply":"refused","message":"the analyzer could not write its reply: {error}"}}"#))
}

#[cfg(test)]
mod test {
    use super::*;

    fn round_trip(request: Request) -> Reply {
        let json = answer_json(&serde_json::to_string(&request).expect("request serializes"));
        serde_json::from_str(&json).expect("reply deserializes")
    }

    /// Every lesson the course ships loads through JSON exactly as it loads in place,
    /// so nothing a lesson says is lost on the way to the browser app.
    #[test]
    fn course_through_json_ok() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lessons");
        let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).expect("lesson file");
        let Reply::Course { course: Some(course), .. } = round_trip(Request::Course { text: read(lesson::COURSE) }) else { panic!("course") };
        assert!(!course.lessons.is_empty());
        for id in &course.lessons {
            let path = format!("{id}/{}", lesson::MANIFEST);
            let text = read(&path);
            let Reply::Manifest { manifest: Some(manifest), diagnostics } = round_trip(Request::Manifest { path: path.clone(), text: text.clone() }) else { panic!("{path}") };
            assert_eq!(Some(&manifest), lesson::parse_manifest(&path, &text).0.as_ref(), "{path}: the manifest changes through JSON");
            assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
            let mut files: BTreeMap<String, String> = manifest.files().into_iter().map(|f| (f.clone(), read(&format!("{id}/{f}")))).collect();
            files.insert(lesson::MANIFEST.to_owned(), text);
            let in_place = lesson::load(&manifest, &files).0.expect("lesson loads");
            let Reply::Lesson { lesson: Some(through_json), .. } = round_trip(Request::Lesson { manifest, files }) else { panic!("{id}") };
            assert_eq!(*through_json, in_place, "{id}: the lesson changes through JSON");
        }
    }

    #[test]
    fn alembic_error_through_json_err() {
        let Reply::Alembic { diagnostics, .. } = round_trip(Request::Alembic { text: "def upgrade(:\n".into() }) else { panic!("reply") };
        assert!(diagnostics.iter().any(Diagnostic::is_error));
    }

    #[test]
    fn unreadable_request_err() {
        let reply: Reply = serde_json::from_str(&answer_json("{\"ask\":\"nonsense\"}")).expect("reply");
        assert!(matches!(reply, Reply::Refused { message } if message.contains("could not read the request")));
    }
}
