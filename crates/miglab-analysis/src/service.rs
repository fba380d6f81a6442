//! The analyzer service: the model's [`Request`]s answered with the parsers.
//!
//! The browser app links only the model, so it sends a [`Request`] as JSON to one of two wasm modules and reads back
//! a [`Reply`]: the lessons' requests to the analyzer (`crates/miglab-analyzer`, over [`answer`]) and the author
//! view's to the author module (`crates/miglab-author`, over [`author::answer`]), as [`Request::module`] says.
//! Each side refuses the other's requests, so neither module links the other's code.
//! Natively (the app's tests) [`answer_any`] is an ordinary call.

pub mod author;

use crate::alembic;
use crate::analysis::steps_from_sql;
use crate::grade::Observed;
use crate::grading::grade;
use crate::rules::{self, RuleContext};
pub use miglab_model::protocol::{GradeItem, Module, Reply, Request};
use serde::Serialize;

/// Does the work a lesson's request asks for. Never panics: every learner mistake is inside the reply.
/// The author view's requests are refused (they are [`author::answer`]'s), so the analyzer module does not link
/// lesson loading.
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
        other => elsewhere(&other),
    }
}

/// Any request, answered by the side [`Request::module`] names: what the two modules together answer.
pub fn answer_any(request: Request) -> Reply {
    match request.module() {
        Module::Analyzer => answer(request),
        Module::Author => author::answer(request),
    }
}

/// The refusal of a request the other module answers.
pub(crate) fn elsewhere(request: &Request) -> Reply {
    let module = request.module().name();
    Reply::Refused {
        message: format!(
            "`{}` is answered by the module analyzer/{module}.js, not this one",
            request.kind()
        ),
    }
}

/// [`answer`] over JSON, as the analyzer module exports it.
pub fn answer_json(request: &str) -> String {
    json_with(request, answer)
}

/// [`answer_any`] over JSON, for the app's native tests.
pub fn answer_any_json(request: &str) -> String {
    json_with(request, answer_any)
}

/// `answer` over JSON: a request that does not parse gets [`Reply::Refused`] with serde's message, so the app can
/// say which side is out of date.
pub(crate) fn json_with(request: &str, answer: fn(Request) -> Reply) -> String {
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
        let json = answer_any_json(&serde_json::to_string(&request).expect("request serializes"));
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
    fn each_module_refuses_the_others_requests_err() {
        let lesson_side = answer(Request::Scaffold { id: "t".into() });
        assert!(
            matches!(&lesson_side, Reply::Refused { message } if message.contains("analyzer/miglab_author.js")),
            "{lesson_side:?}"
        );
        let author_side = author::answer(Request::Split { sql: "SELECT 1".into() });
        assert!(
            matches!(&author_side, Reply::Refused { message } if message.contains("analyzer/miglab_analyzer.js")),
            "{author_side:?}"
        );
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
