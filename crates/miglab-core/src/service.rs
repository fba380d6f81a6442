//! The core's text-reading work as one request/reply API.
//!
//! Reading SQL and Python means two parsers (sqlparser and ruff's), and they are most of the core's
//! code size. The browser app therefore never links them: it sends a [`Request`] as JSON to the
//! analyzer, a second wasm module built from `crates/miglab-analyzer` that the app fetches when a
//! lesson first needs it, and reads back a [`Reply`]. Natively (the app's tests) [`answer`] is an
//! ordinary call. The lessons themselves are loaded at build time instead ([`crate::lesson::bundle`]).
//!
//! Everything that crosses is already serde data of this crate, so the protocol adds no types of its
//! own beyond these two enums and [`GradeItem`].

use crate::alembic;
use crate::diagnostic::Diagnostic;
use crate::grade::{self, Answer, AnswerKey, Graded};
use crate::migration::{Migration, Step};
use crate::rules::{self, Finding, RuleContext};
use crate::schema::Schema;
use serde::{Deserialize, Serialize};

/// One piece of work for the analyzer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
pub enum Request {
    /// An Alembic revision file, translated with [`alembic::parse`].
    Alembic { text: String },
    /// The safety rules ([`rules::check`]) over steps, with the schema the steps would run on.
    Rules { steps: Vec<Step>, schema: Option<Schema> },
    /// Answers graded with [`grade::grade`], in order.
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

/// Does the work a request asks for. Never panics: every learner mistake is inside the reply.
pub fn answer(request: Request) -> Reply {
    match request {
        Request::Alembic { text } => {
            let parsed = alembic::parse(&text);
            Reply::Alembic { migration: parsed.migration, diagnostics: parsed.diagnostics }
        }
        Request::Rules { steps, schema } => Reply::Rules {
            findings: rules::check(&steps, &RuleContext { schema: schema.as_ref() }),
        },
        Request::Grade { items } => Reply::Grade {
            graded: items
                .iter()
                .map(|i| {
                    grade::grade(
                        &i.key,
                        &i.answer,
                        &grade::Observed {
                            start: i.start.as_ref(),
                            actual: i.actual.as_ref(),
                            ..grade::Observed::default()
                        },
                    )
                })
                .collect(),
        },
    }
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
    fn unreadable_request_err() {
        let reply: Reply =
            serde_json::from_str(&answer_json("{\"ask\":\"nonsense\"}")).expect("reply");
        assert!(
            matches!(reply, Reply::Refused { message } if message.contains("could not read the request"))
        );
    }
}
