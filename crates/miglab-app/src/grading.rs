//! Grades a stage's locked answers with the core grader, against the engine's schema where the question asks about one.
//!
//! Schema predictions are compared by the analyzer module (types and defaults are parsed); every other
//! kind is graded in place. The verdicts keep the questions' order either way.

use crate::analyzer_link;
use crate::lesson_view::Question;
use crate::progress::Answer;
use miglab_core::grade::{self, Graded};
use miglab_core::schema::Schema;
use miglab_core::service::GradeItem;
use std::collections::BTreeMap;

/// `actual` gives the engine's schema after a question's `after` commands, when they were run.
/// Questions without a submitted answer are left out.
pub async fn grade_all<'a>(questions: &[Question], answers: &BTreeMap<String, Answer>, actual: impl Fn(&[String]) -> Option<&'a Schema>) -> Result<Vec<(String, Graded)>, String> {
    let mut graded: Vec<(String, Option<Graded>)> = Vec::new();
    let mut remote = Vec::new();
    for q in questions {
        let Some(answer) = answers.get(&q.id).and_then(Answer::submitted) else { continue };
        let local = grade::grade_without_sql(&q.key, &answer, &grade::Observed::default());
        if local.is_none() {
            let after: Vec<String> = q.after.iter().map(ToString::to_string).collect();
            remote.push(GradeItem { key: q.key.clone(), answer, start: None, actual: actual(&after).cloned() });
        }
        graded.push((q.id.clone(), local));
    }
    let mut remote = analyzer_link::grade(remote).await?.into_iter();
    graded.into_iter().map(|(id, local)| local.or_else(|| remote.next()).map(|g| (id, g)).ok_or_else(|| "The analyzer graded fewer answers than it was sent.".to_owned())).collect()
}

/// A free-text answer's verdict, which follows the student's own rating at once (no SQL is read).
pub fn self_assessed(question: &Question, answers: &BTreeMap<String, Answer>) -> Option<(String, Graded)> {
    let answer = answers.get(&question.id)?.submitted()?;
    grade::grade_without_sql(&question.key, &answer, &grade::Observed::default()).map(|g| (question.id.clone(), g))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;
    use miglab_core::grade::{Confidence, Response};

    #[test]
    fn wrong_and_right_ok() {
        let lesson = fixture::confidence_score();
        let mut answers = BTreeMap::new();
        let mut after = fixture::expenses();
        after.tables[0].columns.push(miglab_core::schema::Column { name: "confidence_score".into(), data_type: "numeric(4,3)".into(), not_null: false, default: None });
        // Wrong: the student predicted NOT NULL.
        let mut predicted = after.clone();
        predicted.tables[0].columns[3].not_null = true;
        answers.insert("after-upgrade".to_owned(), Answer { response: Some(Response::Schema { schema: predicted }), confidence: Confidence::new(5) });
        answers.insert("existing-row".to_owned(), Answer { response: Some(Response::Value { value: None }), confidence: Confidence::new(4) });
        let graded = crate::lab::test::block_on(grade_all(&lesson.predict, &answers, |commands| (commands == ["upgrade head"]).then_some(&after))).expect("graded");
        let by_id: BTreeMap<_, _> = graded.into_iter().collect();
        assert!(!by_id["after-upgrade"].correct);
        assert!(by_id["existing-row"].correct);
        assert!(!by_id.contains_key("rewrite"), "unanswered questions are not graded");
    }
}
