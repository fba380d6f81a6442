//! Which locked answers can be graded now, and the verdicts that need no grader at all.

use crate::state::lesson_model::Question;
use crate::state::progress::Answer;
use miglab_core::grade::{self, Graded, Observed, OrderRun};
use std::collections::BTreeMap;

/// The questions of a stage that can be graded now: locked, not graded yet, their `after` commands run on the branch
/// (so an upgrade question is graded right after the upgrade, not after everything), and an ordering that runs
/// on the engine only once it has been run.
pub fn ready<'q>(
    questions: &'q [Question],
    graded: impl Fn(&str) -> bool,
    ran: impl Fn(&[String]) -> bool,
    order_runs: &BTreeMap<String, OrderRun>,
) -> Vec<&'q Question> {
    questions
        .iter()
        .filter(|q| !graded(&q.id))
        .filter(|q| ran(&q.after.iter().map(ToString::to_string).collect::<Vec<_>>()))
        .filter(|q| q.item_sql.is_empty() || order_runs.contains_key(&q.id))
        .collect()
}

/// A free-text answer's verdict, which follows the student's own rating at once (no SQL is read).
pub fn self_assessed(
    question: &Question,
    answers: &BTreeMap<String, Answer>,
) -> Option<(String, Graded)> {
    let answer = answers.get(&question.id)?.submitted()?;
    grade::grade_without_sql(&question.key, &answer, &Observed::default())
        .map(|g| (question.id.clone(), g))
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::fixture;

    #[test]
    fn ready_after_its_commands_ok() {
        let lesson = fixture::confidence_score();
        let ids = |ready: Vec<&Question>| {
            ready.iter().map(|q| q.id.as_str()).collect::<Vec<_>>().join(" ")
        };
        let nothing_run = |after: &[String]| after.is_empty();
        let upgraded = |after: &[String]| after.is_empty() || after == ["upgrade head"];
        let mut runs = BTreeMap::new();
        assert_eq!(ids(ready(&lesson.predict, |_| false, nothing_run, &runs)), "rewrite");
        assert_eq!(
            ids(ready(&lesson.predict, |id| id == "rewrite", upgraded, &runs)),
            "after-upgrade existing-row",
            "an ordering that runs waits for its run"
        );
        runs.insert("downgrade-order".to_owned(), OrderRun::default());
        assert_eq!(
            ids(ready(&lesson.predict, |_| false, upgraded, &runs)),
            "after-upgrade existing-row rewrite downgrade-order"
        );
    }
}
