//! Grades a stage's locked answers with the core grader, against the engine's schema where the question asks about one.

use crate::lesson_view::Question;
use crate::progress::Answer;
use miglab_core::grade::{self, Graded};
use miglab_core::schema::Schema;
use std::collections::BTreeMap;

/// `actual` gives the engine's schema after a question's `after` commands, when they were run.
pub fn grade_all<'a>(questions: &[Question], answers: &BTreeMap<String, Answer>, actual: impl Fn(&[String]) -> Option<&'a Schema>) -> Vec<(String, Graded)> {
    questions
        .iter()
        .filter_map(|q| {
            let answer = answers.get(&q.id)?.submitted()?;
            let after: Vec<String> = q.after.iter().map(ToString::to_string).collect();
            Some((q.id.clone(), grade::grade(&q.key, &answer, actual(&after))))
        })
        .collect()
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
        let graded = grade_all(&lesson.predict, &answers, |commands| (commands == ["upgrade head"]).then_some(&after));
        let by_id: BTreeMap<_, _> = graded.into_iter().collect();
        assert!(!by_id["after-upgrade"].correct);
        assert!(by_id["existing-row"].correct);
        assert!(!by_id.contains_key("rewrite"), "unanswered questions are not graded");
    }
}
