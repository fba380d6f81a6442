//! Grades a stage's locked answers with the model's grader, against the engine's schema where the question asks about one.
//!
//! Schema predictions are compared by the analyzer module (types and defaults are parsed); every other
//! kind is graded in place. The verdicts keep the questions' order either way.

use crate::services::analyzer_link;
use crate::state::lesson_model::Question;
use crate::state::progress::Answer;
use miglab_model::grade::{self, Graded, Observed, OrderRun};
use miglab_model::locks::Trace;
use miglab_model::protocol::GradeItem;
use miglab_model::schema::Schema;
use std::collections::BTreeMap;

/// What the engine showed that a stage's answers are graded against.
pub struct Seen<'a> {
    /// The schema each schema question's editor started from (`LessonState::start_schema`), by question id.
    pub start: &'a dyn Fn(&Question) -> Option<Schema>,
    /// The engine's schema after a question's `after` commands, when they were run.
    pub actual: &'a dyn Fn(&[String]) -> Option<&'a Schema>,
    /// What Postgres did with each ordering answer that was run on the branch, by question id.
    pub order_runs: &'a BTreeMap<String, OrderRun>,
    /// The engine's lock trace of the runs a lock question asks about, when they were run.
    pub trace: &'a dyn Fn(&Question) -> Option<&'a Trace>,
}

/// Grades the submitted answers among `questions`; questions without one are left out.
/// A schema answer is scored on its change from where its editor started, an ordering by what Postgres did with it.
pub async fn grade_all(
    questions: &[Question],
    answers: &BTreeMap<String, Answer>,
    seen: &Seen<'_>,
) -> Result<Vec<(String, Graded)>, String> {
    let mut graded: Vec<(String, Option<Graded>)> = Vec::new();
    let mut remote = Vec::new();
    for q in questions {
        let Some(answer) = answers.get(&q.id).and_then(Answer::submitted) else { continue };
        let labels = q.labels();
        let observed = Observed {
            order_run: seen.order_runs.get(&q.id),
            trace: (seen.trace)(q),
            labels: &labels,
            ..Observed::default()
        };
        let local = grade::grade_without_sql(&q.key, &answer, &observed);
        if local.is_none() {
            let after: Vec<String> = q.after.iter().map(ToString::to_string).collect();
            remote.push(GradeItem {
                key: q.key.clone(),
                answer,
                start: (seen.start)(q),
                actual: (seen.actual)(&after).cloned(),
            });
        }
        graded.push((q.id.clone(), local));
    }
    if graded.is_empty() {
        return Ok(Vec::new());
    }
    let mut remote = if remote.is_empty() {
        Vec::new().into_iter()
    } else {
        analyzer_link::grade(remote).await?.into_iter()
    };
    graded
        .into_iter()
        .map(|(id, local)| {
            local
                .or_else(|| remote.next())
                .map(|g| (id, g))
                .ok_or_else(|| "The analyzer graded fewer answers than it was sent.".to_owned())
        })
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use miglab_model::grade::{Confidence, Response};

    #[test]
    fn wrong_and_right_ok() {
        let lesson = fixture::confidence_score();
        let mut answers = BTreeMap::new();
        let mut after = fixture::expenses();
        after.tables[0].columns.push(miglab_model::schema::Column {
            name: "confidence_score".into(),
            data_type: "numeric(4,3)".into(),
            not_null: false,
            default: None,
        });
        // Wrong: the student predicted NOT NULL.
        let mut predicted = after.clone();
        predicted.tables[0].columns[3].not_null = true;
        answers.insert(
            "after-upgrade".to_owned(),
            Answer {
                response: Some(Response::Schema { schema: predicted }),
                confidence: Confidence::new(5),
            },
        );
        answers.insert(
            "existing-row".to_owned(),
            Answer {
                response: Some(Response::Value { value: None }),
                confidence: Confidence::new(4),
            },
        );
        let (start, order_runs) = (|_: &Question| Some(fixture::expenses()), BTreeMap::new());
        let actual = |commands: &[String]| (commands == ["upgrade head"]).then_some(&after);
        let graded = crate::services::lab::test::block_on(grade_all(
            &lesson.predict,
            &answers,
            &Seen { start: &start, actual: &actual, order_runs: &order_runs, trace: &|_| None },
        ))
        .expect("graded");
        let by_id: BTreeMap<_, _> = graded.into_iter().collect();
        assert!(!by_id["after-upgrade"].correct);
        assert!(by_id["existing-row"].correct);
        assert!(!by_id.contains_key("rewrite"), "unanswered questions are not graded");
    }

    /// The reversed downgrade order, refused by Postgres at its second step: wrong, named by its text, never its id.
    #[test]
    fn refused_order_err() {
        let lesson = fixture::confidence_score();
        let reversed = Answer {
            response: Some(Response::Ordering {
                order: vec!["drop-column".into(), "drop-index".into()],
            }),
            confidence: Confidence::new(5),
        };
        let answers = BTreeMap::from([("downgrade-order".to_owned(), reversed)]);
        let failed = OrderRun {
            failed: Some(grade::OrderFailure {
                step: 1,
                sqlstate: "42704".into(),
                message: "index \"ix_run\" does not exist".into(),
            }),
        };
        let order_runs = BTreeMap::from([("downgrade-order".to_owned(), failed)]);
        let (start, actual) = (|_: &Question| None, |_: &[String]| None);
        let graded = crate::services::lab::test::block_on(grade_all(
            &lesson.predict,
            &answers,
            &Seen { start: &start, actual: &actual, order_runs: &order_runs, trace: &|_| None },
        ))
        .expect("graded");
        let (_, g) = &graded[0];
        assert_eq!((g.credit, g.cbm), (0.0, -10.0));
        let why = g.explanations().collect::<Vec<_>>().join(" ");
        assert!(why.contains("Drop the index ix_run") && why.contains("42704"), "{why}");
        assert!(!why.contains("drop-index"), "{why}");
    }
}
