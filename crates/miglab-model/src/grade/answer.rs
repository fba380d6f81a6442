//! Answers and answer keys: what a learner submits and what a lesson says is right, as serde data.
//!
//! Lesson files (TOML) hold keys and saved progress (JSON) holds answers, so every type here
//! round-trips through serde and tags its kind with a `kind` field.

use crate::locks::LockMode;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How sure the learner is, from 1 (a guess) to 5 (certain).
/// Deserialising anything outside 1..=5 is an error, so a graded answer always holds a valid level.
/// There is deliberately no default: an answer is graded only at a level the learner chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Confidence(u8);

impl Confidence {
    pub const MIN: Confidence = Confidence(1);
    pub const MAX: Confidence = Confidence(5);
    /// Every level, lowest first, for charts that show empty levels too.
    pub const ALL: [Confidence; 5] =
        [Confidence(1), Confidence(2), Confidence(3), Confidence(4), Confidence(5)];

    pub fn new(level: u8) -> Option<Confidence> {
        (1..=5).contains(&level).then_some(Confidence(level))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The probability of being right this level stands for: the midpoint of its fifth of 0..1.
    /// Calibration compares it with the credit actually earned, and the marks (`calibration::marks`)
    /// make this level the best choice exactly within that fifth.
    pub fn probability(self) -> f64 {
        (f64::from(self.0) - 0.5) / 5.0
    }
}

impl TryFrom<u8> for Confidence {
    type Error = String;

    fn try_from(level: u8) -> Result<Confidence, String> {
        Confidence::new(level).ok_or_else(|| format!("confidence must be 1 to 5, not {level}"))
    }
}

impl From<Confidence> for u8 {
    fn from(confidence: Confidence) -> u8 {
        confidence.0
    }
}

/// Lesson-provided explanations keyed by element, e.g. `expenses.confidence_score.nullable`
/// → "the migration says `nullable=True`". The grader appends them to its own sentence.
pub type Why = BTreeMap<String, String>;

/// What a lesson says is right for one question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKey {
    Schema(SchemaKey),
    Value(ValueKey),
    Choice(ChoiceKey),
    Ordering(OrderingKey),
    FreeText(FreeTextKey),
    Lock(LockKey),
}

/// A schema prediction is graded against the engine's actual schema; `expected` is the
/// lesson's copy of it, used when no engine result is at hand and checked against the engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaKey {
    #[serde(default)]
    pub expected: Option<Schema>,
    /// The right answer is "nothing changes from the start" (a round trip, say): `miglab check`
    /// then accepts that the untouched starting answer is right, and verifies the engine agrees.
    #[serde(default)]
    pub no_change: bool,
    #[serde(default)]
    pub scope: SchemaScope,
    #[serde(default)]
    pub why: Why,
}

/// Which parts of a schema a question grades; the schema editor does not edit constraints or
/// enums, so those are off unless a lesson asks for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemaScope {
    pub columns: bool,
    pub defaults: bool,
    pub indexes: bool,
    pub constraints: bool,
    pub enums: bool,
    /// Only tables with these names; empty means every table.
    pub tables: Vec<String>,
}

impl Default for SchemaScope {
    fn default() -> SchemaScope {
        SchemaScope {
            columns: true,
            defaults: true,
            indexes: true,
            constraints: false,
            enums: false,
            tables: Vec::new(),
        }
    }
}

/// The value an existing row holds, as psql prints it; `expected = None` means NULL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueKey {
    #[serde(default)]
    pub expected: Option<String>,
    /// Other spellings that count as right, e.g. `t` for `true`.
    #[serde(default)]
    pub accept: Vec<String>,
    #[serde(default)]
    pub why: Option<String>,
}

/// Multiple choice: the ids of the right options; `multiple` lets the learner pick several.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceKey {
    pub correct: Vec<String>,
    #[serde(default)]
    pub multiple: bool,
    /// Keyed by option id: why that option is right or wrong.
    #[serde(default)]
    pub why: Why,
}

/// An ordering such as downgrade steps: the item ids in the right order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderingKey {
    pub order: Vec<String>,
    /// Keyed by item id: why the item goes where it goes.
    #[serde(default)]
    pub why: Why,
}

/// The strongest lock Alembic's transaction holds on `table` once `statement` has run, and whether the statement
/// rewrote the table. The answer is graded against the engine's lock trace of the run, never against `mode` and
/// `rewritten`: those are the author's reading, which `miglab check` verifies against the same trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockKey {
    /// The statement, as the start of its SQL in the run (`ALTER TABLE expenses ADD COLUMN confidence_score`);
    /// case and layout do not matter.
    pub statement: String,
    pub table: String,
    pub mode: LockMode,
    pub rewritten: bool,
    /// Why the engine takes this lock, shown after the answer is graded.
    #[serde(default)]
    pub why: Option<String>,
}

/// Free text is self-assessed against a model answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeTextKey {
    pub model_answer: String,
}

/// What a learner submitted for one question, with how sure they were.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub response: Response,
    pub confidence: Confidence,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// A predicted schema; row counts are never graded here (a row count is a value question),
    /// and an index definition left empty is compared by its columns and uniqueness.
    Schema {
        schema: Schema,
    },
    /// `None` is a prediction of NULL.
    Value {
        value: Option<String>,
    },
    Choice {
        selected: Vec<String>,
    },
    Ordering {
        order: Vec<String>,
    },
    FreeText {
        text: String,
        /// Filled in after the model answer is revealed; `None` until then.
        #[serde(default)]
        self_assessment: Option<SelfAssessment>,
    },
    /// `None` is a part left unanswered, which is wrong.
    Lock {
        mode: Option<LockMode>,
        rewritten: Option<bool>,
    },
}

/// How a learner rates their free text against the model answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfAssessment {
    Matches,
    Partly,
    Misses,
}

impl Response {
    pub fn kind(&self) -> &'static str {
        match self {
            Response::Schema { .. } => "schema",
            Response::Value { .. } => "value",
            Response::Choice { .. } => "choice",
            Response::Ordering { .. } => "ordering",
            Response::FreeText { .. } => "free_text",
            Response::Lock { .. } => "lock",
        }
    }
}

impl AnswerKey {
    pub fn kind(&self) -> &'static str {
        match self {
            AnswerKey::Schema(_) => "schema",
            AnswerKey::Value(_) => "value",
            AnswerKey::Choice(_) => "choice",
            AnswerKey::Ordering(_) => "ordering",
            AnswerKey::FreeText(_) => "free_text",
            AnswerKey::Lock(_) => "lock",
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn confidence_range_ok() {
        assert_eq!(Confidence::new(1).map(Confidence::get), Some(1));
        assert_eq!(Confidence::new(5).map(Confidence::get), Some(5));
        assert!((Confidence::MAX.probability() - 0.9).abs() < 1e-9);
    }

    #[test]
    fn confidence_range_err() {
        assert_eq!(Confidence::new(0), None);
        assert_eq!(Confidence::new(6), None);
        let parsed: Result<Answer, _> =
            serde_json::from_str(r#"{"response":{"kind":"value","value":null},"confidence":9}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn key_from_toml_ok() {
        let key: AnswerKey = toml::from_str(
            r#"
kind = "choice"
correct = ["b"]
why = { a = "Postgres does not fill existing rows from a nullable column." }
"#,
        )
        .expect("valid key");
        assert_eq!(key.kind(), "choice");
    }

    #[test]
    fn answer_json_round_trip_ok() {
        let answer = Answer {
            response: Response::FreeText {
                text: "it drops the index".into(),
                self_assessment: Some(SelfAssessment::Partly),
            },
            confidence: Confidence::MAX,
        };
        let json = serde_json::to_string(&answer).expect("serialises");
        insta::assert_snapshot!(json, @r#"{"response":{"kind":"free_text","text":"it drops the index","self_assessment":"partly"},"confidence":5}"#);
        assert_eq!(serde_json::from_str::<Answer>(&json).ok(), Some(answer));
    }
}
