//! The analyzer service: the model's [`Request`]s answered with the parsers.
//!
//! The browser app links only the model, so it sends a [`Request`] as JSON to the analyzer, a second wasm module
//! built from `crates/miglab-analyzer` over this function, and reads back a [`Reply`].
//! Natively (the app's tests) [`answer`] is an ordinary call.

use crate::alembic;
use crate::analysis::steps_from_sql;
use crate::grade::Observed;
use crate::grading::grade;
use crate::lesson;
use crate::rules::{self, RuleContext};
pub use miglab_model::protocol::{GradeItem, Reply, Request};
use serde::Serialize;

/// Does the work a request asks for. Never panics: every learner mistake is inside the reply.
pub fn answer(request: Request) -> Reply {
    match request {
        Request::Alembic { text } => {
            let parsed = alembic::parse(&text);
            Reply::Alembic { migration: parsed.migration, diagnostics: parsed.diagnostics }
        }
        Request::Split { sql } => {
            let (steps, diagnostics) = steps_from_sql(&sql);
            Reply::Split { steps, diagnostics }
        }
        Request::Rules { steps, schema } => Reply::Rules {
            findings: rules::check(&steps, &RuleContext { schema: schema.as_ref() }),
        },
        Request::Grade { items } => Reply::Grade {
            graded: items
                .iter()
                .map(|i| {
                    grade(
                        &i.key,
                        &i.answer,
                        &Observed {
                            start: i.start.as_ref(),
                            actual: i.actual.as_ref(),
                            ..Observed::default()
                        },
                    )
                })
                .collect(),
        },
        Request::Lessons { files } => Reply::Lessons { lessons: lesson::load_files(&files) },
        Request::Scaffold { id } => scaffold(&id),
        Request::Pack { id, files } => {
            let (text, messages) = lesson::pack_files(&id, &files);
            Reply::Pack { text, messages }
        }
        Request::Unpack { text } => {
            let (files, messages) = lesson::unpack(&text);
            Reply::Files { files, messages }
        }
    }
}

/// `miglab new`'s files, or why the id cannot name a lesson, in the CLI's words.
fn scaffold(id: &str) -> Reply {
    if !lesson::is_valid_id(id) {
        return Reply::Files {
            files: std::collections::BTreeMap::new(),
            messages: vec![format!("`{id}` is not a valid lesson id: ids start with a lowercase letter and hold only a-z, 0-9, `_` and `-`.")],
        };
    }
    Reply::Files { files: lesson::scaffold(id), messages: Vec::new() }
}

/// [`answer`] over JSON, as the analyzer module exports it: a request that does not parse gets
/// [`Reply::Refused`] with serde's message, so the app can say which side is out of date.
pub fn answer_json(request: &str) -> String {
    let reply = match serde_json::from_str::<Request>(request) {
        Ok(request) => answer(request),
        Err(error) => {
            Reply::Refused { message: format!("the analyzer could not read the request: {error}") }
        }
    };
    written(&reply)
}

/// `reply` as JSON; when it cannot be written, a [`Reply::Refused`] built by serde too, so the error's text is escaped.
fn written(reply: &impl Serialize) -> String {
    serde_json::to_string(reply).unwrap_or_else(|error| {
        serde_json::json!({ "reply": "refused", "message": format!("the analyzer could not write its reply: {error}") }).to_string()
    })
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::diagnostic::Diagnostic;

    fn round_trip(request: Request) -> Reply {
        let json = answer_json(&serde_json::to_string(&request).expect("request serializes"));
        serde_json::from_str(&json).expect("reply deserializes")
    }

    #[test]
    fn alembic_error_through_json_err() {
        let Reply::Alembic { diagnostics, .. } =
            round_trip(Request::Alembic { text: "def upgrade(:\n".into() })
        else {
            panic!("reply")
        };
        assert!(diagnostics.iter().any(Diagnostic::is_error));
    }

    #[test]
    fn split_keeps_dollar_bodies_ok() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT f();";
        let Reply::Split { steps, diagnostics } = round_trip(Request::Split { sql: sql.into() })
        else {
            panic!("reply")
        };
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn unwritable_reply_is_json_err() {
        struct Unwritable;
        impl Serialize for Unwritable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom(r#"a "quoted" \ message"#))
            }
        }
        let reply: Reply =
            serde_json::from_str(&written(&Unwritable)).expect("the fallback is JSON");
        assert_eq!(
            reply,
            Reply::Refused {
                message: r#"the analyzer could not write its reply: a "quoted" \ message"#
                    .to_owned()
            }
        );
    }

    #[test]
    fn scaffold_then_lessons_ok() {
        let Reply::Files { files, messages } = round_trip(Request::Scaffold { id: "t".into() })
        else {
            panic!("reply")
        };
        assert!(messages.is_empty() && files.contains_key("t/lesson.toml"));
        let Reply::Lessons { lessons } = round_trip(Request::Lessons { files }) else {
            panic!("reply")
        };
        assert!(lessons[0].lesson.is_some(), "{:?}", lessons[0].diagnostics);
    }

    #[test]
    fn scaffold_bad_id_err() {
        let Reply::Files { files, messages } =
            round_trip(Request::Scaffold { id: "Bad Id".into() })
        else {
            panic!("reply")
        };
        assert!(files.is_empty() && messages[0].contains("not a valid lesson id"), "{messages:?}");
    }

    #[test]
    fn unreadable_request_err() {
        let reply: Reply =
            serde_json::from_str(&answer_json("{\"ask\":\"nonsense\"}")).expect("reply");
        assert!(
            matches!(reply, Reply::Refused { message } if message.contains("could not read the request"))
        );
    }
}
