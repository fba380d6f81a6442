//! Orderings whose steps carry SQL are tried on the engine before they are graded: what Postgres does with the
//! student's order is the verdict. This file decides which to try next and keeps what each try gave.

use crate::state::lesson_model::Stage;
use crate::state::lesson_state::LessonState;
use crate::state::run_state::RunState;
use miglab_model::grade::OrderRun;
use miglab_model::lesson::RunCommand;
use std::collections::BTreeMap;

/// What each tried ordering gave, by question id; a failure to try is kept (as its line) so it is not retried in a loop.
pub type OrderRuns = BTreeMap<String, Result<OrderRun, String>>;

/// One ordering to try: the question, the SQL of its steps in the student's order, and where to try it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderTry {
    pub id: String,
    pub steps: Vec<String>,
    pub mode: OrderMode,
}

/// The orderings that ran, for the grader.
pub fn tried(runs: &OrderRuns) -> BTreeMap<String, OrderRun> {
    runs.iter().filter_map(|(id, r)| Some((id.clone(), r.clone().ok()?))).collect()
}

/// "Grade again": the tries that failed are forgotten, so they are tried once more; `None` when none failed.
pub fn without_failures(runs: &OrderRuns) -> Option<OrderRuns> {
    runs.values().any(Result::is_err).then(|| {
        runs.iter().filter(|(_, r)| r.is_ok()).map(|(id, r)| (id.clone(), r.clone())).collect()
    })
}

/// How an ordering is tried: on the branch as it stands, or rebuilt from the branch point with these commands.
#[derive(Clone, Debug, PartialEq)]
pub enum OrderMode {
    Here,
    From(Vec<RunCommand>),
}

/// The next locked ordering to try on the engine, with the SQL of its steps in the student's order.
/// A prediction is tried as soon as the branch stands exactly at the state its question asks about (right after the
/// student's own `upgrade head`, say), or, when the run never stopped there, once the lesson's commands have all run;
/// a later stage's question, which has no run of its own, as soon as it is locked. One try at a time, never while busy.
pub fn next_order(
    state: &LessonState,
    run: &RunState,
    tried: &OrderRuns,
    commands: &[String],
) -> Option<OrderTry> {
    if run.busy.is_some() || run.branch.is_none() {
        return None;
    }
    let stages = [Stage::Predict, Stage::Investigate, Stage::Modify]
        .into_iter()
        .filter(|s| state.locked(*s));
    stages
        .flat_map(|stage| state.questions(stage).iter().map(move |q| (stage, q)))
        .filter(|(_, q)| state.verdict(&q.id).is_none() && !tried.contains_key(&q.id))
        .find_map(|(stage, q)| {
            let after: Vec<String> = q.after.iter().map(ToString::to_string).collect();
            let mode = if run.path == after {
                OrderMode::Here
            } else if stage != Stage::Predict
                || (run.ran_all(commands) && run.snapshot(&after).is_none())
            {
                OrderMode::From(q.after.clone())
            } else {
                return None;
            };
            let Some(miglab_model::grade::Response::Ordering { order }) = state.answer(q).response
            else {
                return None;
            };
            Some(OrderTry { id: q.id.clone(), steps: q.order_steps(&order)?, mode })
        })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn failed_tries_are_retried_ok() {
        let mut runs = OrderRuns::new();
        runs.insert("a".into(), Ok(OrderRun::default()));
        assert_eq!(without_failures(&runs), None, "nothing failed, nothing to change");
        runs.insert("b".into(), Err("ERROR 42704: index does not exist".into()));
        let again = without_failures(&runs).expect("b failed");
        assert_eq!(again.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(tried(&runs).keys().collect::<Vec<_>>(), ["a"]);
    }
}
