//! Which locked answers can be graded now, and the verdicts that need no grader at all.

use crate::state::lesson_model::{Question, QuestionKind, Stage};
use crate::state::lesson_state::LessonState;
use crate::state::progress::Answer;
use crate::state::run_state::RunState;
use miglab_model::grade::{self, Graded, Observed, OrderRun};
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

/// The locked predictions to grade now, by id: each as soon as its own commands have run on the branch (an upgrade
/// question right after the upgrade), against the engine, never before; once the lesson's `commands` have all run,
/// what is left.
pub fn predictions_ready(
    state: &LessonState,
    run: &RunState,
    tried: &BTreeMap<String, OrderRun>,
    commands: &[String],
) -> Vec<String> {
    if !state.locked(Stage::Predict) {
        return Vec::new();
    }
    let ran = |after: &[String]| run.snapshot(after).is_some() || run.ran_all(commands);
    ready(
        &state.lesson.predict,
        |id| state.verdict(id).is_some() || state.disputed.contains_key(id),
        ran,
        tried,
    )
    .into_iter()
    .map(|q| q.id.clone())
    .collect()
}

/// Investigate and Modify questions have no run of their own: each locked stage's ungraded answers, graded at once,
/// except a Modify lock question, which waits for the learner's own practice run to be traced.
pub fn later_ready(
    state: &LessonState,
    run: &RunState,
    tried: &BTreeMap<String, OrderRun>,
) -> Vec<Vec<Question>> {
    let practiced = run.practice_trace(Stage::Modify).is_some();
    [Stage::Investigate, Stage::Modify]
        .into_iter()
        .filter(|stage| state.locked(*stage))
        .map(|stage| {
            ready(
                state.questions(stage),
                |id| state.verdict(id).is_some() || state.disputed.contains_key(id),
                |_| true,
                tried,
            )
            .into_iter()
            .filter(|q| practiced || !matches!(q.kind, QuestionKind::Lock { .. }))
            .cloned()
            .collect::<Vec<_>>()
        })
        .filter(|ready| !ready.is_empty())
        .collect()
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

    #[test]
    fn nothing_ready_before_locking_err() {
        let state =
            LessonState::new(std::rc::Rc::new(fixture::confidence_score()), Default::default());
        let run = RunState::default();
        assert!(
            predictions_ready(&state, &run, &BTreeMap::new(), &["upgrade head".into()]).is_empty()
        );
        assert!(later_ready(&state, &run, &BTreeMap::new()).is_empty());
    }
}
