//! Grading: schema predictions, values, multiple choice, orderings and free text, each answer
//! with a confidence, and certainty-based marks and calibration over any set of answers.
//!
//! Grading never fails: an answer of the wrong kind for its key is graded wrong with a sentence,
//! because saved progress can outlive a lesson edit.

pub mod answer;
pub mod calibration;
mod choice;
mod free_text;
pub mod graded;
mod lock;
mod marks;
mod observed;
mod ordering;
#[cfg(test)]
mod proptests;
mod schema_prediction;
mod value;

pub use answer::{
    Answer, AnswerKey, ChoiceKey, Confidence, FreeTextKey, LockKey, OrderingKey, Response,
    SchemaKey, SchemaScope, SelfAssessment, ValueKey, Why,
};
pub use calibration::{Calibration, Judgement, Level};
pub use graded::{Element, Graded, Verdict};
pub use marks::{cbm_mark, marks, marks_table, LEVEL_WORDS};
pub use observed::{Observed, OrderFailure, OrderRun};
pub use schema_prediction::squash;
pub use value::same_value;

/// How SQL a learner or an author wrote reads once Postgres's own spellings are forgiven.
/// Reading it means parsing it, so the analysis supplies the real one (`miglab_analysis::grading`); the model only
/// compares what it returns.
pub trait Spelling {
    /// A type as `format_type` prints it: `int` is `integer`.
    fn data_type(&self, text: &str) -> String;
    /// A default's value with casts and parentheses stripped: `'draft'::character varying` is `draft`.
    fn default_value(&self, text: &str) -> String;
}

/// Text compared as written, with only its layout forgiven: for properties that hold whatever the spelling.
pub struct AsWritten;

impl Spelling for AsWritten {
    fn data_type(&self, text: &str) -> String {
        squash(text)
    }

    fn default_value(&self, text: &str) -> String {
        squash(text)
    }
}

/// Grades one answer against its key and what the engine showed, with SQL read by `spelling`.
/// A schema question uses the engine's schema when given and falls back to the key's `expected`
/// copy otherwise; it is scored on the change from `observed.start` when that is given.
pub fn grade_with(
    key: &AnswerKey,
    answer: &Answer,
    observed: &Observed,
    spelling: &dyn Spelling,
) -> Graded {
    let confidence = answer.confidence;
    match (key, &answer.response) {
        (AnswerKey::Schema(key), Response::Schema { schema }) => {
            match observed.actual.or(key.expected.as_ref()) {
                Some(actual) => schema_prediction::grade(
                    schema,
                    observed.start,
                    actual,
                    &key.scope,
                    &key.why,
                    confidence,
                    spelling,
                ),
                None => unanswerable(confidence),
            }
        }
        _ => grade_without_sql(key, answer, observed).unwrap_or_else(|| unanswerable(confidence)),
    }
}

/// Grades every answer that needs no SQL read: all but a schema prediction, which gives `None`.
/// The browser app grades these in place and sends schema predictions to the analyzer module,
/// because comparing types and defaults parses them (see [`Spelling`]).
pub fn grade_without_sql(key: &AnswerKey, answer: &Answer, observed: &Observed) -> Option<Graded> {
    let confidence = answer.confidence;
    Some(match (key, &answer.response) {
        (AnswerKey::Schema(_), Response::Schema { .. }) => return None,
        (AnswerKey::Value(key), Response::Value { value }) => {
            value::grade(key, value.as_deref(), confidence)
        }
        (AnswerKey::Choice(key), Response::Choice { selected }) => {
            choice::grade(key, selected, confidence)
        }
        (AnswerKey::Ordering(key), Response::Ordering { order }) => {
            ordering::grade(key, order, observed, confidence)
        }
        (AnswerKey::FreeText(key), Response::FreeText { text, self_assessment }) => {
            free_text::grade(key, text, *self_assessment, confidence)
        }
        (AnswerKey::Lock(key), Response::Lock { mode, rewritten }) => {
            lock::grade(key, *mode, *rewritten, observed.trace, confidence)
        }
        (key, response) => {
            let sentence = format!(
                "This question asks for a {} answer, but the saved answer is a {} answer.",
                key.kind().replace('_', " "),
                response.kind().replace('_', " ")
            );
            Graded::new(
                vec![Element::miss(
                    "answer",
                    Verdict::Wrong,
                    Some(key.kind().into()),
                    Some(response.kind().into()),
                    sentence,
                )],
                0.0,
                confidence,
            )
        }
    })
}

/// A schema question with neither an engine result nor an expected schema cannot be graded yet.
fn unanswerable(confidence: Confidence) -> Graded {
    Graded::pending(
        "schema",
        "Run the migration first: there is no actual schema to compare with.".into(),
        confidence,
    )
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn kind_mismatch_err() {
        let key =
            AnswerKey::Choice(ChoiceKey { correct: vec!["a".into()], ..ChoiceKey::default() });
        let answer = Answer {
            response: Response::Value { value: Some("1".into()) },
            confidence: Confidence::MAX,
        };
        let graded = grade_with(&key, &answer, &Observed::default(), &AsWritten);
        insta::assert_snapshot!(graded.explanations().collect::<String>(), @"This question asks for a choice answer, but the saved answer is a value answer.");
        assert_eq!(graded.cbm, -10.0);
    }
}
