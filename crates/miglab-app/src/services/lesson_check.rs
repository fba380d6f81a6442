//! The in-page `miglab check`: a lesson's engine checks, run by the analyzer module on the page's engine.
//!
//! The checks are the analysis crate's, the very code `miglab check` runs. The analyzer replays them over the answers
//! the engine gave so far and asks for one engine call at a time; this loop performs each call on the engine and
//! hands the answer back, until the analyzer reports. Nothing here decides a statement.

use crate::services::analyzer_link;
use crate::services::lab::Backend;
use miglab_model::protocol::{CheckLesson, CheckReport, CheckRequest, CheckStep};

/// Runs every engine check of `lesson` on `engine`, as `miglab check` does; `Err` is a full sentence saying why the
/// check could not finish (the analyzer could not load, or the check did not repeat itself).
/// The engine is left wherever the check left it: the caller sets its lesson up afterwards.
pub async fn check(engine: &dyn Backend, lesson: CheckLesson) -> Result<CheckReport, String> {
    let mut step = analyzer_link::check(CheckRequest::Start { lesson }).await?;
    loop {
        step = match step {
            CheckStep::Need { call } => {
                let answer = engine.call(call).await;
                analyzer_link::check(CheckRequest::Answer { answer }).await?
            }
            CheckStep::Done { report } => return Ok(report),
            CheckStep::Failed { message } => return Err(message),
        };
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::services::lab::{CallFut, Fut, Rows};
    use miglab_model::engine::call::{Call, Reply};
    use miglab_model::engine::plan::RunPlan;
    use miglab_model::engine::session::{LessonSetup, Prepared};
    use miglab_model::engine::{EngineError, RunReport};
    use miglab_model::schema::Schema;
    use std::cell::RefCell;

    /// An engine that fails the setup, as a worker that could not boot; the loop must end with the check's report.
    #[derive(Default)]
    struct NoEngine {
        calls: RefCell<Vec<String>>,
    }

    impl Backend for NoEngine {
        fn exec<'a>(&'a self, _: &'a str) -> Fut<'a, ()> {
            unreachable!()
        }
        fn query<'a>(&'a self, _: &'a str) -> Fut<'a, Rows> {
            unreachable!()
        }
        fn branch<'a>(&'a self, _: &'a str) -> Fut<'a, ()> {
            unreachable!()
        }
        fn reset<'a>(&'a self, _: &'a str) -> Fut<'a, ()> {
            unreachable!()
        }
        fn introspect(&self) -> Fut<'_, Schema> {
            unreachable!()
        }
        fn run<'a>(&'a self, _: &'a RunPlan) -> Fut<'a, RunReport> {
            unreachable!()
        }
        fn dump_table<'a>(&'a self, _: &'a str) -> Fut<'a, String> {
            unreachable!()
        }
        fn setup<'a>(&'a self, _: &'a LessonSetup) -> Fut<'a, Prepared> {
            unreachable!()
        }
        fn call(&self, call: Call) -> CallFut<'_> {
            self.calls.borrow_mut().push(call.summary());
            Box::pin(async { Err::<Reply, _>(EngineError::Boot("no worker".into())) })
        }
    }

    #[test]
    fn engine_that_cannot_start_err() {
        let lesson = crate::fixture::confidence_score().lesson;
        let engine = NoEngine::default();
        let report = crate::services::lab::test::block_on(check(
            &engine,
            CheckLesson::Loaded { lesson: Box::new(lesson.clone()) },
        ))
        .expect("the check reports");
        assert_eq!(
            *engine.calls.borrow(),
            [format!("set up the lesson on branch `{}`", lesson.manifest.run.branch)]
        );
        assert!(!report.passed());
        assert!(
            report.diagnostics[0]
                .rendered
                .contains("The engine stopped while checking this lesson."),
            "{report:?}"
        );
    }
}
