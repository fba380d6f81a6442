//! The in-page `miglab check`: a lesson's engine checks, run by the analyzer module on the page's engine.
//!
//! The checks are the analysis crate's, the very code `miglab check` runs. The analyzer replays them over the answers
//! the engine gave so far and asks for one engine call at a time; this loop performs each call on the engine and
//! hands the answer back, until the analyzer reports. Nothing here decides a statement.

use crate::services::analyzer_link;
use crate::services::lab::Backend;
use crate::state::key_check;
use crate::state::lesson_model::LessonView;
use miglab_model::protocol::{CheckLesson, CheckReport, CheckRequest, CheckStep};
use std::collections::BTreeMap;

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

/// A pack lesson's keys, checked on the engine the first time it is opened: the questions whose key the engine
/// contradicts, with what the engine did (`state::key_check`). A pack is untrusted, and a learner must never be graded
/// against a wrong key. The result is remembered under the lesson's progress key, which names the pack's id and
/// content hash, so it runs once per version of the pack. `None` for a lesson of the built-in course (`miglab check`
/// proved it before the build). When the check could not finish, every question is held back from grading and the
/// check runs again on the next opening.
pub async fn pack_keys(
    engine: &dyn Backend,
    lesson: &LessonView,
) -> Option<BTreeMap<String, String>> {
    if !lesson.progress_key.starts_with("pack:") {
        return None;
    }
    let key = format!("miglab.key-check.{}", lesson.progress_key);
    if let Some(known) = memo::recall(&key) {
        return Some(known);
    }
    match check(engine, CheckLesson::Loaded { lesson: Box::new(lesson.lesson.clone()) }).await {
        Ok(report) => {
            let disputed = key_check::disputed(&lesson.lesson.manifest, &report);
            memo::keep(&key, &disputed);
            Some(disputed)
        }
        // Not remembered, so the next opening checks again; until then no key of the pack is graded against.
        Err(message) => {
            memo::warn(&format!(
                "The pack lesson's keys could not be checked on the engine: {message}"
            ));
            Some(key_check::unchecked(&lesson.lesson.manifest, &message))
        }
    }
}

/// Where a pack lesson's key check is remembered: localStorage in the browser, nowhere natively.
#[cfg(target_arch = "wasm32")]
mod memo {
    use std::collections::BTreeMap;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn recall(key: &str) -> Option<BTreeMap<String, String>> {
        serde_json::from_str(&storage()?.get_item(key).ok().flatten()?).ok()
    }

    /// A write the browser refuses (storage full) only means the check runs again next time.
    pub fn keep(key: &str, disputed: &BTreeMap<String, String>) {
        if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(disputed)) {
            let _ = storage.set_item(key, &json);
        }
    }

    pub fn warn(message: &str) {
        gloo::console::warn!(message);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod memo {
    use std::collections::BTreeMap;

    pub fn recall(_: &str) -> Option<BTreeMap<String, String>> {
        None
    }

    pub fn keep(_: &str, _: &BTreeMap<String, String>) {}

    pub fn warn(_: &str) {}
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
